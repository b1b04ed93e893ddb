import { TextField } from '../../components/ui/input';

export interface TimeRange {
  from: string;
  to: string;
}

/** Two datetime-local inputs (local time); callers convert with localInputToIso. */
export function TimeRangeFields({ value, onChange }: { value: TimeRange; onChange: (v: TimeRange) => void }) {
  return (
    <>
      <TextField label="From" type="datetime-local" value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
      <TextField label="To" type="datetime-local" value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
    </>
  );
}
