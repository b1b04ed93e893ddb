import { useState } from 'react';
import type { WorkflowStep, WorkflowTransition } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { SelectField } from '../../components/ui/input';
import { edgeOutcome, freeOutcomes, outcomeLabel } from './workflow-graph';

export interface StepConnectionsProps {
  step: WorkflowStep;
  steps: WorkflowStep[];
  transitions: WorkflowTransition[];
  onConnect: (fromId: string, outcome: string | null, toId: string) => void;
  onDisconnect: (transitionId: string) => void;
  busy: boolean;
}

/**
 * The step's outgoing connections with a delete button each, and a form to add one: the keyboard
 * alternative to dragging a handle on the canvas.
 */
export function StepConnections({ step, steps, transitions, onConnect, onDisconnect, busy }: StepConnectionsProps) {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const outgoing = transitions.filter((t) => t.fromStepId === step.id);
  const free = freeOutcomes(step, transitions);
  const targets = steps.filter((s) => s.id !== step.id && s.type !== 'TRIGGER');
  const [outcome, setOutcome] = useState<string>('');
  const [target, setTarget] = useState<string>('');
  const chosenOutcome = free.some((o) => o?.key === outcome) ? outcome : (free[0]?.key ?? '');

  return (
    <section aria-labelledby="step-connections-heading" className="border-t border-slate-200 pt-4">
      <h3 id="step-connections-heading" className="text-sm font-semibold text-slate-900">
        Leads to
      </h3>
      {step.type === 'EXIT' ? (
        <p className="mt-1 text-sm text-slate-700">An exit step ends the run: nothing follows it.</p>
      ) : outgoing.length === 0 ? (
        <p className="mt-1 text-sm text-slate-700">Nothing yet: a run that reaches this step ends here (Completed).</p>
      ) : (
        <ul className="mt-2 space-y-1">
          {outgoing.map((t) => {
            const label = outcomeLabel(step, edgeOutcome(t));
            const to = byId.get(t.toStepId)?.name ?? 'a deleted step';
            return (
              <li key={t.id} className="flex items-center justify-between gap-2 rounded-md bg-slate-50 px-2 py-1 text-sm text-slate-800">
                <span className="min-w-0 break-words">
                  {label && <strong>{label}: </strong>}
                  {to}
                </span>
                <Button size="sm" variant="ghost" disabled={busy} aria-label={`Delete the connection${label ? ` ${label}` : ''} to ${to}`} onClick={() => onDisconnect(t.id)}>
                  Delete
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {free.length > 0 && targets.length > 0 && (
        <form
          className="mt-3 space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (target) onConnect(step.id, chosenOutcome || null, target);
          }}
        >
          {free[0] !== null && (
            <SelectField label="Outcome" value={chosenOutcome} onChange={(e) => setOutcome(e.target.value)}>
              {free.map((o) => o && (
                <option key={o.key} value={o.key}>
                  {o.label}
                </option>
              ))}
            </SelectField>
          )}
          <div className="flex items-end gap-2">
            <SelectField className="min-w-0 flex-1" label="Connect to" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose a step…</option>
              {targets.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </SelectField>
            <Button type="submit" disabled={!target || busy}>
              Connect
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
