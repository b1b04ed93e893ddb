import { Navigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../components/ui/error-alert';
import { LoadingBlock } from '../../components/ui/spinner';
import { getLastProject } from '../../lib/last-project';
import { isUnauthorized, useConfig, useMe, useProjects } from '../../lib/session';
import { usePageTitle } from '../../lib/use-page-title';

function Frame({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-lg p-6">
      <h1 className="sr-only">Mailwright</h1>
      {children}
    </main>
  );
}

/**
 * `/`: signed out → /login (or /signup on a fresh instance); signed in → the last used project,
 * the first one, or /new-project.
 */
export function RootRedirect() {
  usePageTitle('');
  const me = useMe();
  const signedOut = isUnauthorized(me.error);
  const config = useConfig();
  const projects = useProjects(me.isSuccess);

  if (signedOut) {
    if (config.isError) return <Navigate to="/login" replace />;
    if (!config.data) return <Frame><LoadingBlock /></Frame>;
    return config.data.hasUsers ? <Navigate to="/login" replace /> : <Navigate to="/signup" replace />;
  }
  if (me.isError) return <Frame><ErrorAlert error={me.error} title="Could not load your account" onRetry={() => void me.refetch()} /></Frame>;
  if (projects.isError) return <Frame><ErrorAlert error={projects.error} title="Could not load your projects" onRetry={() => void projects.refetch()} /></Frame>;
  if (!projects.data) return <Frame><LoadingBlock /></Frame>;

  const list = projects.data;
  if (list.length === 0) return <Navigate to="/new-project" replace />;
  const last = getLastProject();
  const target = list.find((p) => p.id === last) ?? list[0];
  return <Navigate to="/p/$projectId/contacts" params={{ projectId: target.id }} replace />;
}
