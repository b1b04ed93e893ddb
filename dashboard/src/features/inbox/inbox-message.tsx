import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { getInboxMessage } from '../../api/emails';
import type { InboxMessage } from '../../api/types';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card } from '../../components/ui/page-header';
import { SandboxedFrame } from '../../components/ui/sandboxed-frame';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { parseMime, type ParsedMail } from '../../lib/mime';

const MAIN_HEADERS = ['from', 'to', 'cc', 'reply-to', 'subject', 'date', 'message-id'];

/** Parsed parts from the server when it sends them, else parsed here from the raw MIME. */
function partsOf(m: InboxMessage): ParsedMail {
  const parsed = m.raw ? parseMime(m.raw) : { headers: [], text: null, html: null, attachments: [] };
  const serverHeaders = Array.isArray(m.headers)
    ? m.headers.map((h): [string, string] => [h.key ?? h.name ?? '', h.value])
    : m.headers
      ? Object.entries(m.headers)
      : null;
  return {
    headers: serverHeaders ?? parsed.headers,
    html: m.html ?? parsed.html,
    text: m.text ?? parsed.text,
    attachments: parsed.attachments,
  };
}

export function InboxMessageView({ projectId, id }: { projectId: string; id: string }) {
  const message = useQuery({ queryKey: ['inbox-message', projectId, id], queryFn: () => getInboxMessage(projectId, id) });
  const parts = useMemo(() => (message.data ? partsOf(message.data) : null), [message.data]);

  if (message.isPending) return <LoadingBlock label="Loading message…" />;
  if (message.isError) return <ErrorAlert error={message.error} title="Could not load the message" onRetry={() => void message.refetch()} />;
  const m = message.data;
  const main = parts?.headers.filter(([k]) => MAIN_HEADERS.includes(k.toLowerCase())) ?? [];

  return (
    <div className="space-y-6">
      <Card title={m.subject || '(no subject)'}>
        <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-1.5 text-sm">
          <dt className="font-medium text-slate-700">Envelope</dt>
          <dd className="break-all text-slate-900">
            {m.from} → {m.to}
          </dd>
          <dt className="font-medium text-slate-700">Received</dt>
          <dd className="text-slate-900">{formatDateTime(m.createdAt)}</dd>
          {main.map(([k, v], i) => (
            <div key={`${k}-${i}`} className="contents">
              <dt className="font-medium text-slate-700">{k}</dt>
              <dd className="break-all text-slate-900">{v}</dd>
            </div>
          ))}
        </dl>
        {parts && parts.attachments.length > 0 && (
          <p className="mt-3 text-sm text-slate-800">
            Attachments: {parts.attachments.map((a) => `${a.filename} (${a.contentType})`).join(', ')}
          </p>
        )}
      </Card>
      <Card title="HTML body">
        {parts?.html ? <SandboxedFrame html={parts.html} title={`HTML body: ${m.subject}`} /> : <p className="text-sm text-slate-700">This message has no HTML part.</p>}
      </Card>
      <Card title="Text part">
        {parts?.text ? (
          <pre className="max-h-96 overflow-auto text-xs whitespace-pre-wrap text-slate-900" tabIndex={0} aria-label="Plain-text body">
            {parts.text}
          </pre>
        ) : (
          <p className="text-sm text-slate-700">This message has no plain-text part.</p>
        )}
      </Card>
      <details className="rounded-lg border border-slate-200 bg-white p-4">
        <summary className="cursor-pointer text-sm font-semibold text-slate-900">All headers ({parts?.headers.length ?? 0})</summary>
        <div className="mt-3">
          <Table label="Message headers">
            <THead>
              <Th>Header</Th>
              <Th>Value</Th>
            </THead>
            <TBody>
              {parts?.headers.map(([k, v], i) => (
                <tr key={`${k}-${i}`}>
                  <Td className="font-mono text-xs whitespace-nowrap">{k}</Td>
                  <Td className="font-mono text-xs break-all">{v}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        </div>
      </details>
      {m.raw && (
        <details className="rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer text-sm font-semibold text-slate-900">Raw source</summary>
          <pre className="mt-3 max-h-96 overflow-auto text-xs whitespace-pre-wrap text-slate-900" tabIndex={0} aria-label="Raw MIME source">
            {m.raw}
          </pre>
        </details>
      )}
    </div>
  );
}
