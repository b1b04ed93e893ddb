import { useDeferredValue, useState, type FormEvent, type ReactNode } from 'react';
import type { TemplateInput } from '../../api/templates';
import { TEMPLATE_TYPES, type Template, type TemplateType } from '../../api/types';
import { Button } from '../../components/ui/button';
import { SelectField, TextAreaField, TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { SandboxedFrame } from '../../components/ui/sandboxed-frame';

const STARTER = `<!doctype html>
<html>
  <body style="font-family: sans-serif; color: #1e293b;">
    <h1>Hello {{ name | default: "there" }}!</h1>
    <p>Thanks for signing up.</p>
  </body>
</html>`;

const TYPE_HINT: Record<TemplateType, string> = {
  TRANSACTIONAL: 'Sent to every contact, subscribed or not (receipts, password resets).',
  MARKETING: 'Never sent to unsubscribed contacts.',
  HEADLESS: 'Sent regardless of subscription.',
};

export function emptyTemplate(): TemplateInput {
  return { name: '', subject: '', body: STARTER, from: '', fromName: '', replyTo: '', type: 'TRANSACTIONAL' };
}

export function toInput(t: Template): TemplateInput {
  return { name: t.name, subject: t.subject, body: t.body, from: t.from, fromName: t.fromName ?? '', replyTo: t.replyTo ?? '', type: t.type };
}

export interface TemplateFormProps {
  initial: TemplateInput;
  saving: boolean;
  submitLabel: string;
  onSubmit: (value: TemplateInput) => void;
  error?: ReactNode;
  /** Field errors from the server (422), by field name. */
  fieldErrors?: Record<string, string>;
}

export function TemplateForm({ initial, saving, submitLabel, onSubmit, error, fieldErrors = {} }: TemplateFormProps) {
  const [value, setValue] = useState<TemplateInput>(initial);
  const preview = useDeferredValue(value.body);
  const set = <K extends keyof TemplateInput>(key: K, v: TemplateInput[K]) => setValue((old) => ({ ...old, [key]: v }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({
      ...value,
      name: value.name.trim(),
      from: value.from.trim(),
      fromName: value.fromName?.trim() || null,
      replyTo: value.replyTo?.trim() || null,
    });
  };

  return (
    <div className="grid gap-6 xl:grid-cols-2">
      <Card title="Template">
        <form onSubmit={submit} className="space-y-4">
          {error}
          <TextField label="Template name" required maxLength={100} value={value.name} onChange={(e) => set('name', e.target.value)} error={fieldErrors.name} />
          <TextField label="Subject" required maxLength={998} value={value.subject} onChange={(e) => set('subject', e.target.value)} error={fieldErrors.subject} hint="Liquid variables work here too, e.g. {{ name }}." />
          <SelectField label="Type" value={value.type} onChange={(e) => set('type', e.target.value as TemplateType)} hint={TYPE_HINT[value.type]}>
            {TEMPLATE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.charAt(0) + t.slice(1).toLowerCase()}
              </option>
            ))}
          </SelectField>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="From email" type="email" required value={value.from} onChange={(e) => set('from', e.target.value)} error={fieldErrors.from} placeholder="hello@example.com" />
            <TextField label="From name" maxLength={100} value={value.fromName ?? ''} onChange={(e) => set('fromName', e.target.value)} error={fieldErrors.fromName} />
          </div>
          <TextField label="Reply-to email" type="email" value={value.replyTo ?? ''} onChange={(e) => set('replyTo', e.target.value)} error={fieldErrors.replyTo} />
          <TextAreaField
            label="Body (HTML)"
            required
            rows={16}
            spellCheck={false}
            value={value.body}
            onChange={(e) => set('body', e.target.value)}
            error={fieldErrors.body}
            hint="HTML with Liquid variables ({{ name }}, {{ data.plan }}). Values are HTML-escaped when rendered."
          />
          <Button type="submit" variant="primary" loading={saving}>
            {submitLabel}
          </Button>
        </form>
      </Card>
      <Card title="Preview">
        <p className="mb-3 text-xs text-slate-700">
          Subject: <span className="font-medium text-slate-900">{value.subject || '(no subject)'}</span>. Variables are shown as written; scripts never run in the preview.
        </p>
        <SandboxedFrame html={preview} title="Template preview" className="h-[36rem]" />
      </Card>
    </div>
  );
}
