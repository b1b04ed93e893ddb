import type { StepConfig } from '../../../api/workflows';

/** What every per-type config form gets from the side panel. */
export interface StepFormProps {
  config: StepConfig;
  onChange: (next: StepConfig) => void;
  /** Reports (or clears, with null) a local problem that blocks saving, under a key of the form's choosing. */
  onProblem: (key: string, message: string | null) => void;
}

/** Parses a JSON text field: undefined when empty, an error message when invalid. */
export function parseJson(text: string, wantObject: boolean): { value?: unknown; error?: string } {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (wantObject && (value === null || typeof value !== 'object' || Array.isArray(value))) return { error: 'Enter a JSON object, like {"plan": "pro"}.' };
    return { value };
  } catch {
    return { error: 'This is not valid JSON.' };
  }
}

export const pretty = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));
