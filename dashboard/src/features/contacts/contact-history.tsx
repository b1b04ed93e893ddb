import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { listContactEvents } from '../../api/contacts';
import { listEmails } from '../../api/emails';
import { ErrorAlert } from '../../components/ui/error-alert';
import { Card } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { EmailStatusBadge } from '../emails/email-status-badge';

export function ContactEventsCard({ projectId, contactId }: { projectId: string; contactId: string }) {
  const events = useQuery({ queryKey: ['contact-events', projectId, contactId], queryFn: () => listContactEvents(projectId, contactId) });
  return (
    <Card title="Events">
      {events.isPending ? (
        <LoadingBlock label="Loading events…" />
      ) : events.isError ? (
        <ErrorAlert error={events.error} title="Could not load events" onRetry={() => void events.refetch()} />
      ) : events.data.events.length === 0 ? (
        <p className="text-sm text-slate-700">No events yet. Track one with <code className="font-mono">POST /v1/track</code> and this contact's email.</p>
      ) : (
        <Table label="Events of this contact">
          <THead>
            <Th>Event</Th>
            <Th>Data</Th>
            <Th>When</Th>
          </THead>
          <TBody>
            {events.data.events.map((e) => (
              <tr key={e.id}>
                <Td className="font-mono text-xs">{e.name}</Td>
                <Td className="max-w-xs truncate font-mono text-xs" title={e.data ? JSON.stringify(e.data) : undefined}>
                  {e.data ? JSON.stringify(e.data) : '—'}
                </Td>
                <Td className="whitespace-nowrap">{formatDateTime(e.createdAt)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

export function ContactEmailsCard({ projectId, contactId }: { projectId: string; contactId: string }) {
  const emails = useQuery({ queryKey: ['emails', projectId, { contactId }], queryFn: () => listEmails(projectId, { limit: 25, contactId }) });
  return (
    <Card title="Emails">
      {emails.isPending ? (
        <LoadingBlock label="Loading emails…" />
      ) : emails.isError ? (
        <ErrorAlert error={emails.error} title="Could not load emails" onRetry={() => void emails.refetch()} />
      ) : emails.data.data.length === 0 ? (
        <p className="text-sm text-slate-700">No emails sent to this contact yet.</p>
      ) : (
        <Table label="Emails sent to this contact">
          <THead>
            <Th>Subject</Th>
            <Th>Status</Th>
            <Th>Created</Th>
          </THead>
          <TBody>
            {emails.data.data.map((m) => (
              <tr key={m.id}>
                <Td>
                  <Link to="/p/$projectId/emails/$emailId" params={{ projectId, emailId: m.id }} className="font-medium text-blue-800 hover:underline">
                    {m.subject || '(no subject)'}
                  </Link>
                </Td>
                <Td>
                  <EmailStatusBadge status={m.status} />
                </Td>
                <Td className="whitespace-nowrap">{formatDateTime(m.createdAt)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
