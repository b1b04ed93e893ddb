import type { WorkflowStep, WorkflowTransition } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { STEP_INFO, edgeOutcome, outcomeLabel } from './workflow-graph';

/** The selected connection: where it goes, and a delete button. */
export function EdgePanel({ edge, steps, onDelete, onClose, busy }: { edge: WorkflowTransition; steps: WorkflowStep[]; onDelete: () => void; onClose: () => void; busy: boolean }) {
  const from = steps.find((s) => s.id === edge.fromStepId);
  const to = steps.find((s) => s.id === edge.toStepId);
  const label = outcomeLabel(from, edgeOutcome(edge));
  return (
    <section aria-labelledby="edge-panel-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-start justify-between gap-2">
        <h2 id="edge-panel-heading" className="text-base font-semibold text-slate-900">
          Connection
        </h2>
        <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close connection settings">
          Close
        </Button>
      </div>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-700">From</dt>
        <dd className="break-words text-slate-900">{from?.name ?? '—'}</dd>
        {label && (
          <>
            <dt className="text-slate-700">Outcome</dt>
            <dd className="text-slate-900">{label}</dd>
          </>
        )}
        <dt className="text-slate-700">To</dt>
        <dd className="break-words text-slate-900">{to?.name ?? '—'}</dd>
      </dl>
      <Button className="mt-4" variant="danger" onClick={onDelete} loading={busy}>
        Delete connection
      </Button>
    </section>
  );
}

/** With nothing selected: every step as a button (the keyboard way to select one), and how to edit. */
export function StepsOverview({ steps, transitions, onSelect }: { steps: WorkflowStep[]; transitions: WorkflowTransition[]; onSelect: (id: string) => void }) {
  const ordered = [...steps].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x);
  return (
    <section aria-labelledby="steps-overview-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="steps-overview-heading" className="text-base font-semibold text-slate-900">
        Steps
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Select a step to configure it. Connect steps by dragging from the dot at the bottom of a step to another step, or with the form in the step&apos;s settings.
      </p>
      <ul className="mt-3 space-y-1">
        {ordered.map((s) => {
          const out = transitions.filter((t) => t.fromStepId === s.id).length;
          return (
            <li key={s.id}>
              <button type="button" onClick={() => onSelect(s.id)} className="flex w-full items-center justify-between gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100">
                <span className="min-w-0 break-words">
                  <span className="font-medium text-slate-900">{s.name}</span> <span className="text-slate-700">· {STEP_INFO[s.type].label}</span>
                </span>
                <span className="shrink-0 text-xs text-slate-700">{s.type === 'EXIT' ? 'ends' : `${out} out`}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
