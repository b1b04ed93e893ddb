export interface SpinnerProps {
  size?: 'sm' | 'md';
  /** Decorative spinners (inside a busy button) are hidden from assistive technology. */
  decorative?: boolean;
  label?: string;
}

export function Spinner({ size = 'md', decorative = false, label = 'Loading…' }: SpinnerProps) {
  const dims = size === 'sm' ? 'h-4 w-4 border-2' : 'h-6 w-6 border-[3px]';
  const circle = <span className={`inline-block animate-spin rounded-full border-current border-r-transparent ${dims}`} aria-hidden="true" />;
  if (decorative) return circle;
  return (
    <span role="status" className="inline-flex items-center gap-2 text-slate-700">
      {circle}
      <span className="sr-only">{label}</span>
    </span>
  );
}

/** A centered spinner for a page or panel that is loading. */
export function LoadingBlock({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="flex items-center justify-center gap-3 py-12 text-sm text-slate-700">
      <Spinner label={label} />
      <span aria-hidden="true">{label}</span>
    </div>
  );
}
