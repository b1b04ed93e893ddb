import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { updateContact } from '../../api/contacts';
import type { Contact } from '../../api/types';
import { Button } from '../../components/ui/button';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextAreaField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';

function parseObject(text: string): { value: Record<string, unknown> } | { error: string } {
  if (!text.trim()) return { value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'Contact data must be a JSON object, e.g. {"firstName": "Ada"}.' };
    return { value: value as Record<string, unknown> };
  } catch (err) {
    return { error: `Invalid JSON: ${(err as Error).message}` };
  }
}

/** The server merges data: keys removed in the editor are sent as null, which deletes them. */
export function dataPatch(before: Record<string, unknown> | null, after: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after };
  for (const key of Object.keys(before ?? {})) if (!(key in after)) patch[key] = null;
  return patch;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ContactDataCard({ projectId, contact, onSaved }: { projectId: string; contact: Contact; onSaved: (c: Contact) => void }) {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const parsed = parseObject(text);
  const save = useMutation({
    mutationFn: (value: Record<string, unknown>) => updateContact(projectId, contact.id, { data: dataPatch(contact.data, value) }),
    onSuccess: (updated) => {
      onSaved(updated);
      setEditing(false);
      toast.show('Contact data saved.');
    },
  });
  const entries = Object.entries(contact.data ?? {});

  const startEditing = () => {
    setText(JSON.stringify(contact.data ?? {}, null, 2));
    save.reset();
    setEditing(true);
  };

  return (
    <Card title="Data" actions={!editing && <Button size="sm" onClick={startEditing}>Edit data</Button>}>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if ('value' in parsed) save.mutate(parsed.value);
          }}
          className="space-y-3"
        >
          {save.isError && <ErrorAlert error={save.error} title="Could not save the data" />}
          <TextAreaField
            label="Contact data (JSON)"
            rows={12}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={'error' in parsed ? parsed.error : null}
            hint="A JSON object. Removing a key deletes it; empty strings are ignored by the server."
          />
          <div className="flex gap-2">
            <Button type="submit" variant="primary" loading={save.isPending} disabled={'error' in parsed}>
              Save data
            </Button>
            <Button onClick={() => setEditing(false)}>Cancel</Button>
          </div>
        </form>
      ) : entries.length === 0 ? (
        <p className="text-sm text-slate-700">No data fields. Add fields with “Edit data”, through the API, or with event data sent to /v1/track.</p>
      ) : (
        <Table label="Contact data fields">
          <THead>
            <Th>Field</Th>
            <Th>Value</Th>
          </THead>
          <TBody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <Td className="font-mono text-xs">{key}</Td>
                <Td className="font-mono text-xs break-all">{show(value)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
