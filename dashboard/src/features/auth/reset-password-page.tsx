import { useMutation } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { resetPassword } from '../../api/session';
import { Button, buttonClass } from '../../components/ui/button';
import { TextField } from '../../components/ui/input';
import { AuthLayout, FormError } from './auth-layout';

const route = getRouteApi('/reset-password');

export function ResetPasswordPage() {
  const { token } = route.useSearch();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const mutation = useMutation({ mutationFn: () => resetPassword(token ?? '', password) });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 8) return setLocalError('Use at least 8 characters for your password.');
    if (password !== confirm) return setLocalError('The two passwords do not match.');
    setLocalError(null);
    mutation.mutate();
  };

  if (!token) {
    return (
      <AuthLayout title="Choose a new password">
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          This reset link is incomplete. Open the link from the email again, or request a new one.
        </div>
        <Link to="/forgot-password" className={buttonClass('primary', 'md', 'mt-4 w-full')}>
          Request a new link
        </Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Choose a new password" description="Pick a new password. You will be signed out everywhere else.">
      {mutation.isSuccess ? (
        <>
          <div role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
            Your password has been changed. Log in with your new password.
          </div>
          <Link to="/login" className={buttonClass('primary', 'md', 'mt-4 w-full')}>
            Log in
          </Link>
        </>
      ) : (
        <>
          <FormError error={mutation.error} />
          <form onSubmit={onSubmit} className="space-y-4">
            <TextField
              label="New password"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              maxLength={256}
              hint="At least 8 characters."
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <TextField
              label="Confirm new password"
              type="password"
              autoComplete="new-password"
              required
              error={localError}
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
            <Button type="submit" variant="primary" className="w-full" loading={mutation.isPending}>
              Change password
            </Button>
          </form>
          <p className="mt-4 text-center text-sm">
            <Link to="/forgot-password" className="font-medium text-blue-800 underline">
              Request a new link
            </Link>
          </p>
        </>
      )}
    </AuthLayout>
  );
}
