import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { usePageTitle } from '../../lib/use-page-title';

/** The centered card of the signed-out pages. */
export function AuthLayout({ title, description, children, footer }: { title: string; description?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="flex min-h-screen flex-col">
      <header className="px-4 py-6 text-center">
        <Link to="/" className="text-2xl font-bold text-blue-800">
          Mailwright
        </Link>
      </header>
      <main id="main" className="flex flex-1 items-start justify-center px-4 pb-12">
        <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
          {description && <div className="mt-1 text-sm text-slate-700">{description}</div>}
          <div className="mt-5">{children}</div>
        </div>
      </main>
      {footer && <footer className="pb-8 text-center text-sm text-slate-700">{footer}</footer>}
    </div>
  );
}

/** Wording for auth errors: 429 says when to try again (Retry-After). */
export function authErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) {
      const wait = err.retryAfter;
      if (wait === null) return 'Too many attempts. Please wait a moment and try again.';
      const when = wait >= 120 ? `${Math.ceil(wait / 60)} minutes` : `${wait} second${wait === 1 ? '' : 's'}`;
      return `Too many attempts. Try again in ${when}.`;
    }
    return err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong.';
}

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
      <p>{authErrorText(error)}</p>
      {requestId && <p className="mt-1 text-xs">Request ID: <code className="font-mono">{requestId}</code></p>}
    </div>
  );
}
