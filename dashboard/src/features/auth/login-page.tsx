import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { login } from '../../api/session';
import { Button } from '../../components/ui/button';
import { TextField } from '../../components/ui/input';
import { safeNext, useConfig } from '../../lib/session';
import { AuthLayout, FormError } from './auth-layout';

const route = getRouteApi('/login');

export function LoginPage() {
  const { next } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const config = useConfig();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => login({ email, password }),
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ href: safeNext(next) ?? "/" });
    },
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };

  return (
    <AuthLayout
      title="Log in"
      description="Welcome back. Log in to manage your projects."
      footer={
        config.data?.signupsDisabled ? null : (
          <>
            No account yet?{' '}
            <Link to="/signup" className="font-medium text-blue-800 underline">
              Sign up
            </Link>
          </>
        )
      }
    >
      <FormError error={mutation.error} />
      <form onSubmit={onSubmit} className="space-y-4">
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button type="submit" variant="primary" className="w-full" loading={mutation.isPending}>
          Log in
        </Button>
      </form>
      <p className="mt-4 text-center text-sm">
        <Link to="/forgot-password" className="font-medium text-blue-800 underline">
          Forgot your password?
        </Link>
      </p>
    </AuthLayout>
  );
}
