import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { createTemplate, deleteTemplate, getTemplate, updateTemplate, type TemplateInput } from '../../api/templates';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { TemplateForm, emptyTemplate, toInput } from './template-form';

const route = getRouteApi('/p/$projectId/templates/$templateId');

function fieldErrorsOf(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) for (const f of err.fieldErrors) if (f.field) out[f.field.replace(/^body\./, '')] = f.message;
  return out;
}

export function TemplateEditorPage() {
  const { templateId } = route.useParams();
  const { project } = useProject();
  const isNew = templateId === 'new';
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const key = ['template', project.id, templateId];
  const template = useQuery({ queryKey: key, queryFn: () => getTemplate(project.id, templateId), enabled: !isNew });
  usePageTitle(isNew ? 'New template' : template.data ? `${template.data.name} · Templates` : 'Template');

  const save = useMutation({
    mutationFn: (value: TemplateInput) => (isNew ? createTemplate(project.id, value) : updateTemplate(project.id, templateId, value)),
    onSuccess: async (saved) => {
      queryClient.setQueryData(['template', project.id, saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['templates', project.id] });
      toast.show(isNew ? 'Template created.' : 'Template saved.');
      if (isNew) await navigate({ to: '/p/$projectId/templates/$templateId', params: { projectId: project.id, templateId: saved.id }, replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteTemplate(project.id, templateId),
    onSuccess: async () => {
      setDeleting(false);
      queryClient.removeQueries({ queryKey: key });
      await queryClient.invalidateQueries({ queryKey: ['templates', project.id] });
      toast.show('Template deleted.');
      await navigate({ to: '/p/$projectId/templates', params: { projectId: project.id } });
    },
  });

  const back = (
    <Link to="/p/$projectId/templates" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All templates
    </Link>
  );
  const saveError = save.isError ? <ErrorAlert error={save.error} title="Could not save the template" /> : null;

  if (!isNew && template.isPending) return <LoadingBlock label="Loading template…" />;
  if (!isNew && template.isError) {
    const missing = template.error instanceof ApiError && template.error.status === 404;
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">{missing ? 'Template not found' : 'Template'}</h1>
        <ErrorAlert error={template.error} title={missing ? 'This template does not exist. It may have been deleted.' : 'Could not load the template'} onRetry={missing ? undefined : () => void template.refetch()} />
      </div>
    );
  }

  return (
    <div className="max-w-7xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={isNew ? 'New template' : (template.data?.name ?? 'Template')}
        description={!isNew && template.data ? <>Template ID <code className="font-mono break-all">{template.data.id}</code></> : 'Write the subject and HTML body; the preview updates as you type.'}
        actions={
          !isNew && (
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete template
            </Button>
          )
        }
      />
      <TemplateForm
        key={isNew ? 'new' : template.data?.id}
        initial={isNew || !template.data ? emptyTemplate() : toInput(template.data)}
        saving={save.isPending}
        submitLabel={isNew ? 'Create template' : 'Save template'}
        onSubmit={(value) => save.mutate(value)}
        error={saveError}
        fieldErrors={fieldErrorsOf(save.error)}
      />
      <ConfirmDialog
        open={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        onConfirm={() => remove.mutate()}
        busy={remove.isPending}
        title="Delete this template?"
        confirmLabel="Delete template"
        description="Sends that reference this template ID will fail afterwards. This cannot be undone."
      >
        {remove.isError && <ErrorAlert error={remove.error} title="Could not delete the template" />}
      </ConfirmDialog>
    </div>
  );
}
