import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/input';
import { parseJson, pretty, type StepFormProps } from './form-types';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

/** URL, method, headers (name/value rows) and an optional JSON body. */
export function WebhookForm({ config, onChange, onProblem }: StepFormProps) {
  const [rows, setRows] = useState<HeaderRow[]>(() =>
    Object.entries((config.headers as Record<string, string> | undefined) ?? {}).map(([name, value], i) => ({ key: i, name, value })),
  );
  const [bodyText, setBodyText] = useState(pretty(config.body));
  const [bodyError, setBodyError] = useState<string | null>(null);
  const url = typeof config.url === 'string' ? config.url : '';
  const method = typeof config.method === 'string' ? config.method : 'POST';

  const emit = (patch: Record<string, unknown>) => {
    const next = { ...config, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const setUrl = (v: string) => {
    onProblem('url', /^https?:\/\/\S+$/i.test(v.trim()) ? null : 'Enter a URL starting with http:// or https://.');
    emit({ url: v });
  };
  const setHeaders = (next: HeaderRow[]) => {
    setRows(next);
    const bad = next.find((r) => (r.name || r.value) && (!HEADER_NAME.test(r.name) || /[\r\n]/.test(r.value)));
    onProblem('headers', bad ? `Header "${bad.name || '(no name)'}" is not valid: use letters, digits and dashes in the name.` : null);
    const filled = next.filter((r) => r.name);
    emit({ headers: filled.length ? Object.fromEntries(filled.map((r) => [r.name, r.value])) : undefined });
  };
  const setBody = (text: string) => {
    setBodyText(text);
    const parsed = parseJson(text, false);
    setBodyError(parsed.error ?? null);
    onProblem('body', parsed.error ?? null);
    emit({ body: parsed.error ? config.body : parsed.value });
  };

  return (
    <div className="space-y-3">
      <TextField label="URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required hint="Private and local addresses are refused when the step runs." />
      <SelectField label="Method" value={method} onChange={(e) => emit({ method: e.target.value })}>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </SelectField>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Headers</legend>
        {rows.map((r, i) => (
          <div key={r.key} className="flex flex-wrap items-end gap-2">
            <TextField className="min-w-0 flex-1" label={`Header ${i + 1} name`} value={r.name} onChange={(e) => setHeaders(rows.map((x) => (x.key === r.key ? { ...x, name: e.target.value } : x)))} />
            <TextField className="min-w-0 flex-1" label={`Header ${i + 1} value`} value={r.value} onChange={(e) => setHeaders(rows.map((x) => (x.key === r.key ? { ...x, value: e.target.value } : x)))} />
            <Button size="sm" variant="ghost" aria-label={`Remove header ${i + 1}`} onClick={() => setHeaders(rows.filter((x) => x.key !== r.key))}>
              Remove
            </Button>
          </div>
        ))}
        <Button size="sm" onClick={() => setRows([...rows, { key: Date.now(), name: '', value: '' }])} disabled={rows.length >= 50}>
          Add header
        </Button>
      </fieldset>
      {method !== 'GET' && (
        <TextAreaField
          label="Body (JSON, optional)"
          rows={5}
          value={bodyText}
          onChange={(e) => setBody(e.target.value)}
          error={bodyError}
          hint="Empty: the default payload (contact, workflow, execution and event). Strings may use template variables."
        />
      )}
    </div>
  );
}
