import { Button } from '../../components/ui/button';
import { CheckboxField } from '../../components/ui/input';
import { ADDABLE_TYPES, STEP_INFO, type AddableType } from './workflow-graph';

export interface StepPaletteProps {
  onAdd: (type: AddableType) => void;
  busy: boolean;
  autoConnect: boolean;
  onAutoConnectChange: (next: boolean) => void;
}

/** Buttons that add a step of each type below the selected (or the lowest) step. */
export function StepPalette({ onAdd, busy, autoConnect, onAutoConnectChange }: StepPaletteProps) {
  return (
    <section aria-labelledby="step-palette-heading" className="mb-3 rounded-lg border border-slate-200 bg-white p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="step-palette-heading" className="text-sm font-semibold text-slate-900">
          Add a step
        </h2>
        <CheckboxField
          label="Connect new steps to the last step"
          checked={autoConnect}
          onChange={(e) => onAutoConnectChange(e.target.checked)}
        />
      </div>
      <ul className="mt-2 flex flex-wrap gap-2">
        {ADDABLE_TYPES.map((type) => (
          <li key={type}>
            <Button size="sm" onClick={() => onAdd(type)} disabled={busy} title={STEP_INFO[type].description} aria-label={`Add ${STEP_INFO[type].label} step`}>
              + {STEP_INFO[type].label}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
