import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { listEventNames } from '../../api/events';
import { createWorkflow, type WorkflowDetail } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { Dialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextField } from '../../components/ui/input';

export interface CreateWorkflowDialogProps {
  projectId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (workflow: WorkflowDetail) => void;
}

/** Name and trigger (an event, suggested from the project's event names, or manual). */
export function CreateWorkflowDialog({ projectId, open, onClose, onCreated }: CreateWorkflowDialogProps) {
  const formId = useId();
  const listId = useId();
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState<'EVENT' | 'MANUAL'>('EVENT');
  const [eventName, setEventName] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const eventNames = useQuery({ queryKey: ['event-names', projectId], queryFn: () => listEventNames(projectId), enabled: open, staleTime: 60_000 });
  const create = useMutation({
    mutationFn: () =>
      createWorkflow(projectId, { name: name.trim(), triggerType: trigger, ...(trigger === 'EVENT' ? { eventName: eventName.trim() } : {}) }),
    onSuccess: (w) => {
      reset();
      onCreated(w);
    },
  });
  const reset = () => {
    setName('');
    setEventName('');
    setTrigger('EVENT');
    setSubmitted(false);
    create.reset();
  };
  const nameError = submitted && !name.trim() ? 'Give the workflow a name.' : null;
  const eventError = submitted && trigger === 'EVENT' && !eventName.trim() ? 'Enter the event that starts the workflow.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!name.trim() || (trigger === 'EVENT' && !eventName.trim())) return;
    create.mutate();
  };

  return (
    <Dialog
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      title="New workflow"
      description="A workflow runs a contact through steps (emails, delays, conditions…) each time its trigger fires. It starts disabled: build it, then enable it."
      footer={
        <>
          <Button
            onClick={() => {
              reset();
              onClose();
            }}
          >
            Cancel
          </Button>
          <Button type="submit" form={formId} variant="primary" loading={create.isPending}>
            Create workflow
          </Button>
        </>
      }
    >
      <form id={formId} className="space-y-4" onSubmit={submit} noValidate>
        <TextField label="Workflow name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={nameError} required />
        <SelectField label="Trigger" value={trigger} onChange={(e) => setTrigger(e.target.value as 'EVENT' | 'MANUAL')}>
          <option value="EVENT">When a contact triggers an event</option>
          <option value="MANUAL">Manually (started through the API)</option>
        </SelectField>
        {trigger === 'EVENT' && (
          <>
            <TextField
              label="Trigger event"
              list={listId}
              value={eventName}
              maxLength={200}
              onChange={(e) => setEventName(e.target.value)}
              error={eventError}
              required
              hint="For example user.signup, sent with POST /v1/track, or an email event such as email.opened."
            />
            <datalist id={listId}>
              {(eventNames.data?.eventNames ?? []).map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </>
        )}
        {create.isError && <ErrorAlert error={create.error} title="Could not create the workflow" />}
      </form>
    </Dialog>
  );
}
