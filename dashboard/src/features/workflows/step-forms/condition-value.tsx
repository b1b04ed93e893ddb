import { useState } from 'react';
import { CONDITION_OPERATORS, type ConditionOperator } from '../../../api/workflows';
import { SelectField, TextField } from '../../../components/ui/input';

export const OPERATOR_LABELS: Record<ConditionOperator, string> = {
  equals: 'equals',
  notEquals: 'does not equal',
  contains: 'contains',
  notContains: 'does not contain',
  greaterThan: 'is greater than',
  lessThan: 'is less than',
  greaterThanOrEqual: 'is at least',
  lessThanOrEqual: 'is at most',
  exists: 'exists',
  notExists: 'does not exist',
};

export const needsValue = (op: string) => op !== 'exists' && op !== 'notExists';

type Kind = 'text' | 'number' | 'boolean';
const kindOf = (v: unknown): Kind => (typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'text');

export interface OperatorValueProps {
  /** Prefix of the control labels, e.g. "Branch 2" (empty for the binary condition). */
  labelPrefix?: string;
  operator: string;
  value: unknown;
  onChange: (next: { operator: ConditionOperator; value?: string | number | boolean }) => void;
  onProblem: (message: string | null) => void;
}

/** An operator and a typed value (text, number or true/false); no value for exists / does not exist. */
export function OperatorValue({ labelPrefix = '', operator, value, onChange, onProblem }: OperatorValueProps) {
  const [kind, setKind] = useState<Kind>(kindOf(value));
  const [text, setText] = useState(value === undefined || value === null ? '' : String(value));
  const label = (s: string) => (labelPrefix ? `${labelPrefix} ${s.toLowerCase()}` : s);

  const emit = (op: ConditionOperator, k: Kind, t: string) => {
    if (!needsValue(op)) {
      onProblem(null);
      return onChange({ operator: op });
    }
    if (k === 'number') {
      const n = Number(t);
      const bad = t.trim() === '' || Number.isNaN(n);
      onProblem(bad ? 'Enter a number.' : null);
      return onChange({ operator: op, value: bad ? 0 : n });
    }
    onProblem(null);
    if (k === 'boolean') return onChange({ operator: op, value: t === 'true' });
    return onChange({ operator: op, value: t });
  };

  return (
    <div className="grid grid-cols-2 gap-3">
      <SelectField className="col-span-2" label={label('Operator')} value={operator} onChange={(e) => emit(e.target.value as ConditionOperator, kind, text)}>
        {CONDITION_OPERATORS.map((op) => (
          <option key={op} value={op}>
            {OPERATOR_LABELS[op]}
          </option>
        ))}
      </SelectField>
      {needsValue(operator) && (
        <>
          <SelectField
            label={label('Compare as')}
            value={kind}
            onChange={(e) => {
              const k = e.target.value as Kind;
              const t = k === 'boolean' ? (text === 'false' ? 'false' : 'true') : text;
              setKind(k);
              setText(t);
              emit(operator as ConditionOperator, k, t);
            }}
          >
            <option value="text">Text</option>
            <option value="number">Number</option>
            <option value="boolean">True / false</option>
          </SelectField>
          {kind === 'boolean' ? (
            <SelectField
              label={label('Value')}
              value={text === 'false' ? 'false' : 'true'}
              onChange={(e) => {
                setText(e.target.value);
                emit(operator as ConditionOperator, kind, e.target.value);
              }}
            >
              <option value="true">true</option>
              <option value="false">false</option>
            </SelectField>
          ) : (
            <TextField
              label={label('Value')}
              type={kind === 'number' ? 'number' : 'text'}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                emit(operator as ConditionOperator, kind, e.target.value);
              }}
            />
          )}
        </>
      )}
    </div>
  );
}
