import { Button } from './button';

export interface PagerProps {
  label: string;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  status?: string;
  busy?: boolean;
}

export function Pager({ label, hasPrevious, hasNext, onPrevious, onNext, status, busy }: PagerProps) {
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center justify-between gap-2">
      <p className="text-sm text-slate-700">{status}</p>
      <div className="flex gap-2">
        <Button size="sm" onClick={onPrevious} disabled={!hasPrevious || busy}>
          Previous
        </Button>
        <Button size="sm" onClick={onNext} disabled={!hasNext || busy}>
          Next
        </Button>
      </div>
    </nav>
  );
}
