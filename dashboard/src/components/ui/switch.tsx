import { useId } from 'react';

/** An on/off switch (role="switch") with a visible label. */
export function Switch({ label, checked, onChange, disabled, hint }: { label: string; checked: boolean; onChange: (next: boolean) => void; disabled?: boolean; hint?: string }) {
  const labelId = useId();
  const hintId = useId();
  return (
    <div className="flex items-start gap-3">
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={hint ? hintId : undefined}
        disabled={disabled}
        onClick={() => onChange(!checked)}
        className={`relative mt-0.5 inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors disabled:opacity-60 ${checked ? 'bg-blue-700' : 'bg-slate-500'}`}
      >
        <span aria-hidden="true" className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${checked ? 'translate-x-5' : 'translate-x-0'}`} />
      </button>
      <div>
        <span id={labelId} className="text-sm font-medium text-slate-900">
          {label}
        </span>
        {hint && (
          <p id={hintId} className="text-xs text-slate-700">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
