import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { createProject } from '../../api/projects';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { UserMenu } from '../../components/layout/user-menu';
import { setLastProject } from '../../lib/last-project';
import { isUnauthorized, sessionKeys, useMe, useProjects } from '../../lib/session';
import { usePageTitle } from '../../lib/use-page-title';

export function NewProjectPage() {
  usePageTitle('Create project');
  const me = useMe();
  const projects = useProjects(me.isSuccess);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState('');
  const mutation = useMutation({
    mutationFn: () => createProject(name.trim()),
    onSuccess: async (project) => {
      setLastProject(project.id);
      await queryClient.invalidateQueries({ queryKey: sessionKeys.projects });
      toast.show(`Project "${project.name}" created. Here are its API keys.`);
      await navigate({ to: '/p/$projectId/settings/api-keys', params: { projectId: project.id } });
    },
  });

  if (isUnauthorized(me.error)) return <Navigate to="/login" search={{ next: '/new-project' }} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) mutation.mutate();
  };
  const hasProjects = (projects.data?.length ?? 0) > 0;

  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="flex h-14 items-center gap-3 px-4">
          <Link to="/" className="text-lg font-bold text-blue-800">
            Mailwright
          </Link>
          <div className="ml-auto">{me.data && <UserMenu email={me.data.email} />}</div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-lg p-4 sm:p-8">
        <h1 className="text-2xl font-semibold text-slate-900">Create a project</h1>
        <p className="mt-1 text-sm text-slate-700">
          A project holds contacts, templates and emails, and has its own pair of API keys. Use separate projects for staging and production.
        </p>
        {me.isError && !isUnauthorized(me.error) ? (
          <div className="mt-6">
            <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
          </div>
        ) : !me.data ? (
          <LoadingBlock />
        ) : (
          <form onSubmit={onSubmit} className="mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5">
            {mutation.isError && <ErrorAlert error={mutation.error} title="Could not create the project" />}
            <TextField label="Project name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Acme production" />
            <div className="flex flex-wrap gap-2">
              <Button type="submit" variant="primary" loading={mutation.isPending} disabled={!name.trim()}>
                Create project
              </Button>
              {hasProjects && (
                <Button onClick={() => window.history.back()}>Cancel</Button>
              )}
            </div>
          </form>
        )}
      </main>
    </div>
  );
}
