import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { requestPasswordReset } from '../../api/session';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/input';
import { AuthLayout, FormError } from './auth-layout';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const mutation = useMutation({ mutationFn: () => requestPasswordReset(email) });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <AuthLayout
      title="Reset your password"
      description="Enter the email address of your account and we will send you a link to choose a new password."
      footer={
        <Link to="/login" className="font-medium text-blue-800 underline">
          Back to log in
        </Link>
      }
    >
      {mutation.isSuccess ? (
        <div role="status" className="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
          If an account exists for <strong>{email}</strong>, a reset link is on its way. The link is valid for one hour.
        </div>
      ) : (
        <>
          <FormError error={mutation.error} />
          <form onSubmit={onSubmit} className="space-y-4">
            <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <Button type="submit" variant="primary" className="w-full" loading={mutation.isPending}>
              Send reset link
            </Button>
          </form>
        </>
      )}
    </AuthLayout>
  );
}
