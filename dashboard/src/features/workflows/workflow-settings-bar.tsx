import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { deleteWorkflow, updateWorkflow, workflowKeys, type WorkflowDetail, type WorkflowInput } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { ConfirmDeleteDialog } from '../../components/ui/confirm-delete-dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Switch } from '../../components/ui/switch';
import { useToast } from '../../components/ui/toast';

/** Enabled and re-entry switches, and deleting the workflow. */
export function WorkflowSettingsBar({ projectId, workflow }: { projectId: string; workflow: WorkflowDetail }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const key = workflowKeys.one(projectId, workflow.id);

  const update = useMutation({
    mutationFn: (body: Partial<WorkflowInput>) => updateWorkflow(projectId, workflow.id, body),
    onSuccess: (w, body) => {
      queryClient.setQueryData<WorkflowDetail>(key, (old) => (old ? { ...old, ...w, steps: old.steps, transitions: old.transitions } : old));
      void queryClient.invalidateQueries({ queryKey: workflowKeys.list(projectId) });
      if ('enabled' in body) toast.show(w.enabled ? 'Workflow enabled: new triggers start runs.' : 'Workflow disabled: runs in progress continue, no new ones start.');
      else toast.show(w.allowReentry ? 'Contacts can now run this workflow again.' : 'Contacts now run this workflow at most once.');
    },
  });
  const onDeleted = async () => {
    toast.show(`Workflow ${workflow.name} deleted.`);
    queryClient.removeQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: workflowKeys.list(projectId) });
    await navigate({ to: '/p/$projectId/workflows', params: { projectId } });
  };

  return (
    <section aria-label="Workflow settings" className="mb-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start gap-x-8 gap-y-4">
        <Switch
          label="Enabled"
          checked={workflow.enabled}
          disabled={update.isPending}
          onChange={(next) => update.mutate({ enabled: next })}
          hint={workflow.enabled ? 'Triggers start new runs.' : 'Nothing starts until you enable it.'}
        />
        <Switch
          label="Allow re-entry"
          checked={workflow.allowReentry}
          disabled={update.isPending}
          onChange={(next) => update.mutate({ allowReentry: next })}
          hint={workflow.allowReentry ? 'A contact can run it again once the previous run ended.' : 'A contact runs it at most once.'}
        />
        <Button variant="danger" className="sm:ml-auto" onClick={() => setDeleting(true)}>
          Delete workflow
        </Button>
      </div>
      {update.isError && (
        <div className="mt-3">
          <ErrorAlert error={update.error} title="Could not change the workflow" />
        </div>
      )}
      <ConfirmDeleteDialog
        target={deleting ? workflow : null}
        onClose={() => setDeleting(false)}
        remove={(w) => deleteWorkflow(projectId, w.id)}
        onDeleted={onDeleted}
        title={`Delete ${workflow.name}?`}
        confirmLabel="Delete workflow"
        inUseTitle="Runs are still in progress"
        errorTitle="Could not delete the workflow"
        description={<p>The workflow, its steps and its run history are deleted. A workflow with runs in progress cannot be deleted: cancel them first.</p>}
      />
    </section>
  );
}
