import { useState } from 'react';
import type { WorkflowStep, WorkflowTransition } from '../../api/workflows';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { CheckboxField } from '../../components/ui/input';
import { outcomesOf } from './workflow-graph';

export interface DeleteStepDialogProps {
  step: WorkflowStep | null;
  transitions: WorkflowTransition[];
  onClose: () => void;
  onConfirm: (splice: boolean) => void;
  busy: boolean;
  error: unknown;
}

/** Confirms deleting a step; a plain step with one way in and at most one way out can be spliced out. */
export function DeleteStepDialog({ step, transitions, onClose, onConfirm, busy, error }: DeleteStepDialogProps) {
  const [splice, setSplice] = useState(true);
  const incoming = step ? transitions.filter((t) => t.toStepId === step.id) : [];
  const outgoing = step ? transitions.filter((t) => t.fromStepId === step.id) : [];
  const canSplice = !!step && !outcomesOf(step) && incoming.length === 1 && outgoing.length === 1;
  return (
    <ConfirmDialog
      open={step !== null}
      onClose={onClose}
      onConfirm={() => onConfirm(canSplice && splice)}
      busy={busy}
      title={step ? `Delete ${step.name}?` : 'Delete step?'}
      confirmLabel="Delete step"
      description={
        <p>
          The step and its connections are removed. Runs already in progress keep the version of the workflow they started with.
        </p>
      }
    >
      {canSplice && (
        <CheckboxField
          label="Reconnect the step before it to the step after it"
          hint="Keeps the flow unbroken: the incoming connection then leads to the next step."
          checked={splice}
          onChange={(e) => setSplice(e.target.checked)}
        />
      )}
      {error != null && <div className="mt-3"><ErrorAlert error={error} title="Could not delete the step" /></div>}
    </ConfirmDialog>
  );
}
