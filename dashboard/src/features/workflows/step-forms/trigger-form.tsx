import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { updateWorkflow, workflowKeys, type WorkflowDetail } from '../../../api/workflows';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/input';
import { useToast } from '../../../components/ui/toast';

/** The trigger belongs to the workflow: its event name is changed with PATCH /workflows/:id. */
export function TriggerForm({ projectId, workflow, eventNames }: { projectId: string; workflow: WorkflowDetail; eventNames: string[] }) {
  const listId = useId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [eventName, setEventName] = useState(workflow.eventName ?? '');
  const save = useMutation({
    mutationFn: () => updateWorkflow(projectId, workflow.id, { eventName: eventName.trim() }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: workflowKeys.one(projectId, workflow.id) });
      void queryClient.invalidateQueries({ queryKey: workflowKeys.list(projectId) });
      toast.show('Trigger event saved.');
    },
  });

  if (workflow.triggerType === 'MANUAL') {
    return (
      <p className="text-sm text-slate-700">
        This workflow starts only when you start it for a contact with <code className="font-mono">POST /workflows/{'{id}'}/executions</code>.
      </p>
    );
  }
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <TextField
        label="Trigger event"
        list={listId}
        value={eventName}
        onChange={(e) => setEventName(e.target.value)}
        required
        hint="Each time a contact triggers this event (POST /v1/track), a run starts for them. It cannot change after the first run."
      />
      <datalist id={listId}>
        {eventNames.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      {save.isError && <ErrorAlert error={save.error} title="Could not change the trigger" />}
      <Button type="submit" variant="primary" loading={save.isPending} disabled={!eventName.trim() || eventName.trim() === workflow.eventName}>
        Save trigger
      </Button>
    </form>
  );
}
