import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { deleteProject, renameProject } from '../../api/projects';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { useToast } from '../../components/ui/toast';
import { formatDate } from '../../lib/format';
import { getLastProject, setLastProject } from '../../lib/last-project';
import { sessionKeys } from '../../lib/session';
import { canManage, useProject } from '../projects/project-context';
import { SendingSettingsCard } from './sending-settings-card';
import { SettingsLayout } from './settings-layout';

export function ProjectSettingsPage() {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [name, setName] = useState(project.name);
  const [deleting, setDeleting] = useState(false);
  const [confirmText, setConfirmText] = useState('');

  const rename = useMutation({
    mutationFn: () => renameProject(project.id, name.trim()),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: sessionKeys.projects });
      toast.show('Project renamed.');
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteProject(project.id),
    onSuccess: async () => {
      if (getLastProject() === project.id) setLastProject(null);
      setDeleting(false);
      queryClient.removeQueries({ queryKey: sessionKeys.projects });
      toast.show(`Project "${project.name}" deleted.`);
      await navigate({ to: '/' });
    },
  });

  const onRename = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() && name.trim() !== project.name) rename.mutate();
  };
  const admin = canManage(project.role);

  return (
    <SettingsLayout title="Project">
      <div className="space-y-6">
        <Card title="Project details">
          <dl className="mb-4 grid grid-cols-1 gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-slate-700">Project ID</dt>
            <dd className="font-mono break-all text-slate-900">{project.id}</dd>
            <dt className="font-medium text-slate-700">Your role</dt>
            <dd className="text-slate-900">{project.role}</dd>
            <dt className="font-medium text-slate-700">Created</dt>
            <dd className="text-slate-900">{formatDate(project.createdAt)}</dd>
          </dl>
          {admin ? (
            <form onSubmit={onRename} className="space-y-3">
              {rename.isError && <ErrorAlert error={rename.error} title="Could not rename the project" />}
              <div className="flex flex-wrap items-end gap-3">
                <TextField label="Project name" required maxLength={100} className="min-w-[14rem] flex-1" value={name} onChange={(e) => setName(e.target.value)} />
                <Button type="submit" variant="primary" loading={rename.isPending} disabled={!name.trim() || name.trim() === project.name}>
                  Save name
                </Button>
              </div>
            </form>
          ) : (
            <p className="text-sm text-slate-700">Only owners and admins can rename the project.</p>
          )}
        </Card>

        <SendingSettingsCard project={project} canEdit={admin} />

        <section aria-labelledby="danger-zone" className="rounded-lg border border-red-300 bg-white p-5">
          <h2 id="danger-zone" className="text-base font-semibold text-red-800">
            Delete project
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            Deletes the project with all its contacts, templates, emails and activity, and revokes its API keys. This cannot be undone.
          </p>
          {project.role === 'OWNER' ? (
            <Button variant="danger" className="mt-4" onClick={() => setDeleting(true)}>
              Delete project
            </Button>
          ) : (
            <p className="mt-3 text-sm font-medium text-slate-800">Only project owners can delete the project.</p>
          )}
        </section>
      </div>

      <ConfirmDialog
        open={deleting}
        onClose={() => {
          setDeleting(false);
          setConfirmText('');
          remove.reset();
        }}
        onConfirm={() => confirmText === project.name && remove.mutate()}
        busy={remove.isPending}
        confirmDisabled={confirmText !== project.name}
        title={`Delete "${project.name}"?`}
        confirmLabel="Delete this project"
        description="All data of this project is deleted and its API keys stop working immediately."
      >
        <TextField
          label={`Type the project name (${project.name}) to confirm`}
          value={confirmText}
          onChange={(e) => setConfirmText(e.target.value)}
          autoComplete="off"
          error={confirmText && confirmText !== project.name ? 'The name does not match.' : null}
        />
        {remove.isError && (
          <div className="mt-3">
            <ErrorAlert error={remove.error} title="Could not delete the project" />
          </div>
        )}
      </ConfirmDialog>
    </SettingsLayout>
  );
}
