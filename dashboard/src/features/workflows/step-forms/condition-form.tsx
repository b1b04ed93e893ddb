import { useId } from 'react';
import type { StepConfig } from '../../../api/workflows';
import { Button } from '../../../components/ui/button';
import { SelectField, TextField } from '../../../components/ui/input';
import { OperatorValue, needsValue } from './condition-value';
import type { StepFormProps } from './form-types';

interface Branch {
  id: string;
  name: string;
  operator: string;
  value?: unknown;
}

const STANDARD_FIELDS = ['contact.email', 'contact.subscribed'];

const newBranchId = (taken: Set<string>) => {
  for (;;) {
    const id = `b${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id)) return id;
  }
};

/** Binary (yes / no) or multi-branch condition on a contact, data or event field. */
export function ConditionForm({ config, onChange, onProblem, fields }: StepFormProps & { fields: string[] }) {
  const listId = useId();
  const multi = config.mode === 'multi';
  const field = typeof config.field === 'string' ? config.field : '';
  const branches = (Array.isArray(config.branches) ? config.branches : []) as Branch[];

  const setField = (next: string) => {
    onProblem('field', next.trim() ? null : 'Enter the field to test.');
    onChange({ ...config, field: next });
  };
  const setMode = (mode: 'binary' | 'multi') => {
    const base: StepConfig = { field };
    if (mode === 'multi') onChange({ ...base, mode: 'multi', branches: [{ id: newBranchId(new Set()), name: 'Branch 1', operator: 'equals', value: '' }] });
    else onChange({ ...base, operator: 'equals', value: '' });
    onProblem('value', null);
  };
  const setBranches = (next: Branch[]) => {
    onProblem('branches', next.length === 0 ? 'Add at least one branch.' : next.some((b) => !b.name.trim()) ? 'Every branch needs a name.' : null);
    onChange({ ...config, branches: next });
  };
  const patchBranch = (i: number, patch: Partial<Branch>) => {
    const next = branches.map((b, j) => {
      if (j !== i) return b;
      const merged = { ...b, ...patch };
      if (!needsValue(merged.operator)) delete merged.value;
      return merged;
    });
    setBranches(next);
  };

  return (
    <div className="space-y-3">
      <SelectField label="Kind" value={multi ? 'multi' : 'binary'} onChange={(e) => setMode(e.target.value as 'binary' | 'multi')}>
        <option value="binary">Yes / no</option>
        <option value="multi">Several branches (first match wins)</option>
      </SelectField>
      <TextField
        label="Field"
        list={listId}
        value={field}
        onChange={(e) => setField(e.target.value)}
        required
        hint="contact.email, contact.subscribed, data.<key> for contact data, event.<key> for the triggering event's data."
      />
      <datalist id={listId}>
        {[...new Set([...STANDARD_FIELDS, ...fields])].map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      {!multi ? (
        <OperatorValue
          operator={typeof config.operator === 'string' ? config.operator : 'equals'}
          value={config.value}
          onChange={(next) => onChange({ field, operator: next.operator, ...('value' in next ? { value: next.value } : {}) })}
          onProblem={(m) => onProblem('value', m)}
        />
      ) : (
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">Branches</legend>
          <ol className="space-y-3">
            {branches.map((b, i) => (
              <li key={b.id} className="rounded-md border border-slate-200 p-3">
                <div className="flex items-end gap-2">
                  <TextField className="flex-1" label={`Branch ${i + 1} name`} value={b.name} maxLength={100} onChange={(e) => patchBranch(i, { name: e.target.value })} />
                  <Button size="sm" variant="ghost" aria-label={`Remove branch ${i + 1}`} onClick={() => setBranches(branches.filter((_, j) => j !== i))} disabled={branches.length === 1}>
                    Remove
                  </Button>
                </div>
                <div className="mt-2">
                  <OperatorValue
                    labelPrefix={`Branch ${i + 1}`}
                    operator={b.operator}
                    value={b.value}
                    onChange={(next) => patchBranch(i, next)}
                    onProblem={(m) => onProblem(`branch-${b.id}`, m)}
                  />
                </div>
              </li>
            ))}
          </ol>
          <Button
            size="sm"
            onClick={() => setBranches([...branches, { id: newBranchId(new Set(branches.map((x) => x.id))), name: `Branch ${branches.length + 1}`, operator: 'equals', value: '' }])}
            disabled={branches.length >= 20}
          >
            Add branch
          </Button>
          <p className="text-xs text-slate-700">Contacts that match no branch leave by the Otherwise outcome. A branch with a connection cannot be removed: delete the connection first.</p>
        </fieldset>
      )}
    </div>
  );
}
