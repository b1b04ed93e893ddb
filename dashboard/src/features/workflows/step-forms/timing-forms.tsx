import { useId, useState } from 'react';
import { SelectField, TextField } from '../../../components/ui/input';
import type { StepFormProps } from './form-types';

const UNIT_SECONDS = { minutes: 60, hours: 3_600, days: 86_400 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const MAX_DELAY_MINUTES = 365 * 24 * 60;
const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1_440 };

export function DelayForm({ config, onChange, onProblem }: StepFormProps) {
  const [amount, setAmount] = useState(String(config.amount ?? 1));
  const unit = (config.unit as Unit | undefined) ?? 'hours';
  const update = (nextAmount: string, nextUnit: Unit) => {
    setAmount(nextAmount);
    const n = Number(nextAmount);
    const problem =
      !/^\d+$/.test(nextAmount) || n <= 0 ? 'Enter a whole number greater than 0.' : n * UNIT_MINUTES[nextUnit] > MAX_DELAY_MINUTES ? 'A delay can be at most 365 days.' : null;
    onProblem('amount', problem);
    onChange({ amount: problem ? config.amount : n, unit: nextUnit });
  };
  return (
    <div className="grid grid-cols-2 gap-3">
      <TextField label="Wait for" type="number" min={1} inputMode="numeric" value={amount} onChange={(e) => update(e.target.value, unit)} required />
      <SelectField label="Unit" value={unit} onChange={(e) => update(amount, e.target.value as Unit)}>
        <option value="minutes">Minutes</option>
        <option value="hours">Hours</option>
        <option value="days">Days</option>
      </SelectField>
    </div>
  );
}

function splitSeconds(seconds: unknown): { amount: string; unit: Unit | 'none' } {
  if (typeof seconds !== 'number' || seconds <= 0) return { amount: '', unit: 'none' };
  for (const unit of ['days', 'hours', 'minutes'] as const) if (seconds % UNIT_SECONDS[unit] === 0) return { amount: String(seconds / UNIT_SECONDS[unit]), unit };
  return { amount: String(Math.ceil(seconds / 60)), unit: 'minutes' };
}

export function WaitForEventForm({ config, onChange, onProblem, eventNames }: StepFormProps & { eventNames: string[] }) {
  const listId = useId();
  const initial = splitSeconds(config.timeout);
  const [amount, setAmount] = useState(initial.amount);
  const [unit, setUnit] = useState<Unit | 'none'>(initial.unit);
  const eventName = typeof config.eventName === 'string' ? config.eventName : '';

  const emit = (nextEvent: string, nextAmount: string, nextUnit: Unit | 'none') => {
    let timeout: number | undefined;
    let problem: string | null = null;
    if (nextUnit !== 'none') {
      const n = Number(nextAmount);
      if (!/^\d+$/.test(nextAmount) || n <= 0) problem = 'Enter a whole number greater than 0, or choose no timeout.';
      else if (n * UNIT_SECONDS[nextUnit] > 31_536_000) problem = 'A timeout can be at most 365 days.';
      else timeout = n * UNIT_SECONDS[nextUnit];
    }
    onProblem('timeout', problem);
    onProblem('eventName', nextEvent.trim() ? null : 'Enter the event to wait for.');
    onChange({ eventName: nextEvent, ...(timeout ? { timeout } : {}) });
  };

  return (
    <div className="space-y-3">
      <TextField label="Event to wait for" list={listId} value={eventName} onChange={(e) => emit(e.target.value, amount, unit)} required hint="The run continues when this contact triggers the event." />
      <datalist id={listId}>
        {eventNames.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label="Timeout"
          value={unit}
          onChange={(e) => {
            const next = e.target.value as Unit | 'none';
            const nextAmount = next !== 'none' && !amount ? '1' : amount;
            setUnit(next);
            setAmount(nextAmount);
            emit(eventName, nextAmount, next);
          }}
        >
          <option value="none">No timeout</option>
          <option value="minutes">Minutes</option>
          <option value="hours">Hours</option>
          <option value="days">Days</option>
        </SelectField>
        {unit !== 'none' && (
          <TextField
            label="Timeout after"
            type="number"
            min={1}
            inputMode="numeric"
            value={amount}
            onChange={(e) => {
              setAmount(e.target.value);
              emit(eventName, e.target.value, unit);
            }}
          />
        )}
      </div>
      <p className="text-xs text-slate-700">
        With a timeout the step has two outcomes: <strong>Event</strong> (it arrived) and <strong>Timeout</strong>. A timeout cannot be removed while a Timeout connection
        exists.
      </p>
    </div>
  );
}

export function ExitForm({ config, onChange }: StepFormProps) {
  const reason = typeof config.reason === 'string' ? config.reason : '';
  return (
    <TextField
      label="Exit reason"
      maxLength={200}
      value={reason}
      onChange={(e) => onChange(e.target.value ? { reason: e.target.value } : {})}
      hint="Recorded on the run, which ends as Exited (default reason: exit_step)."
    />
  );
}
