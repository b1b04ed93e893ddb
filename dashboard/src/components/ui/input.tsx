import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

const CONTROL =
  'block w-full rounded-md border border-slate-400 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-600 ' +
  'focus:border-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-700/30 disabled:bg-slate-100 aria-[invalid=true]:border-red-700';

interface FieldChrome {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** Hides the label visually (it stays the accessible name). */
  hideLabel?: boolean;
  className?: string;
}

function useFieldIds(id?: string) {
  const generated = useId();
  const controlId = id ?? generated;
  return { controlId, hintId: `${controlId}-hint`, errorId: `${controlId}-error` };
}

function describedBy(hint: unknown, error: unknown, ids: { hintId: string; errorId: string }): string | undefined {
  const list = [hint ? ids.hintId : null, error ? ids.errorId : null].filter(Boolean);
  return list.length ? list.join(' ') : undefined;
}

function Chrome({ label, hint, error, hideLabel, className = '', controlId, hintId, errorId, children }: FieldChrome & ReturnType<typeof useFieldIds> & { children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={controlId} className={hideLabel ? 'sr-only' : 'mb-1 block text-sm font-medium text-slate-800'}>
        {label}
      </label>
      {children}
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-700">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export type TextFieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { inputClassName?: string };

export function TextField({ label, hint, error, hideLabel, className, id, inputClassName = '', ...input }: TextFieldProps) {
  const ids = useFieldIds(id);
  return (
    <Chrome {...{ label, hint, error, hideLabel, className }} {...ids}>
      <input
        id={ids.controlId}
        className={`${CONTROL} h-10 ${inputClassName}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids)}
        {...input}
      />
    </Chrome>
  );
}

export type TextAreaFieldProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'> & { inputClassName?: string };

export function TextAreaField({ label, hint, error, hideLabel, className, id, inputClassName = '', ...input }: TextAreaFieldProps) {
  const ids = useFieldIds(id);
  return (
    <Chrome {...{ label, hint, error, hideLabel, className }} {...ids}>
      <textarea
        id={ids.controlId}
        className={`${CONTROL} py-2 font-mono ${inputClassName}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids)}
        {...input}
      />
    </Chrome>
  );
}

export type SelectFieldProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'> & { inputClassName?: string };

export function SelectField({ label, hint, error, hideLabel, className, id, inputClassName = '', children, ...select }: SelectFieldProps) {
  const ids = useFieldIds(id);
  return (
    <Chrome {...{ label, hint, error, hideLabel, className }} {...ids}>
      <select
        id={ids.controlId}
        className={`${CONTROL} h-10 pr-8 ${inputClassName}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint, error, ids)}
        {...select}
      >
        {children}
      </select>
    </Chrome>
  );
}

/** A checkbox with its label to the right. */
export function CheckboxField({ label, hint, id, ...input }: { label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const ids = useFieldIds(id);
  return (
    <div className="flex items-start gap-2">
      <input id={ids.controlId} type="checkbox" className="mt-0.5 h-4 w-4 accent-blue-700" aria-describedby={hint ? ids.hintId : undefined} {...input} />
      <div>
        <label htmlFor={ids.controlId} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint && (
          <p id={ids.hintId} className="text-xs text-slate-700">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
