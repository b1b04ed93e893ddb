import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { signup } from '../../api/session';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/input';
import { useConfig } from '../../lib/session';
import { AuthLayout, FormError } from './auth-layout';

const route = getRouteApi('/signup');

export function SignupPage() {
  const { invite, email: invitedEmail } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const config = useConfig();
  const [email, setEmail] = useState(invitedEmail ?? '');
  const [password, setPassword] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: () => signup({ email, password, ...(invite ? { inviteToken: invite } : {}) }),
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: '/' });
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 8) {
      setLocalError('Use at least 8 characters for your password.');
      return;
    }
    setLocalError(null);
    mutation.mutate();
  };

  const firstUser = config.data && !config.data.hasUsers;
  const closed = config.data?.signupsDisabled && !invite && !firstUser;
  const description = invite
    ? 'You were invited to a project. Create your account to join it.'
    : firstUser
      ? 'Create the first account of this Mailwright instance. It will own the instance.'
      : 'Create an account to start sending email.';

  return (
    <AuthLayout
      title={invite ? 'Accept your invitation' : 'Create your account'}
      description={description}
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="font-medium text-blue-800 underline">
            Log in
          </Link>
        </>
      }
    >
      {closed && (
        <div role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          Sign-ups are disabled on this instance. Ask a project owner to invite you, then use the link in the invitation email.
        </div>
      )}
      <FormError error={mutation.error} />
      <form onSubmit={onSubmit} className="space-y-4">
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={256}
          hint="At least 8 characters."
          error={localError}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" variant="primary" className="w-full" loading={mutation.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
