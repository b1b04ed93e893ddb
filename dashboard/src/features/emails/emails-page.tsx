import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { listEmails } from '../../api/emails';
import { EMAIL_STATUSES } from '../../api/types';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { EmailStatusBadge } from './email-status-badge';

const PAGE_SIZE = 25;

export function EmailsPage() {
  usePageTitle('Emails');
  const { project } = useProject();
  const [status, setStatus] = useState('');
  const { page, cursor, next, previous } = useCursorStack(status);
  const emails = useQuery({
    queryKey: ['emails', project.id, { status, cursor }],
    queryFn: () => listEmails(project.id, { limit: PAGE_SIZE, cursor, status: status || undefined }),
    placeholderData: keepPreviousData,
  });
  const data = emails.data;

  return (
    <div className="max-w-6xl">
      <PageHeader title="Emails" description="Every email sent through this project, newest first, with its delivery status." />
      <div className="mb-4 max-w-xs">
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
          }}
        >
          <option value="">All statuses</option>
          {EMAIL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </SelectField>
      </div>
      {emails.isPending ? (
        <LoadingBlock label="Loading emails…" />
      ) : emails.isError ? (
        <ErrorAlert error={emails.error} title="Could not load emails" onRetry={() => void emails.refetch()} />
      ) : data && data.data.length === 0 ? (
        status ? (
          <EmptyState title={`No ${status.toLowerCase()} emails`} description="Choose another status to see more." />
        ) : (
          <EmptyState
            title="No emails sent yet"
            description={
              <>
                Send one with <code className="font-mono">POST /v1/send</code> and your secret key (see Settings → API Keys). With the inbox transport, messages
                also show up in the Dev Inbox.
              </>
            }
          />
        )
      ) : data ? (
        <>
          <Table label="Emails">
            <THead>
              <Th>Subject</Th>
              <Th>To</Th>
              <Th>Status</Th>
              <Th>Reason</Th>
              <Th>Source</Th>
              <Th>Created</Th>
            </THead>
            <TBody>
              {data.data.map((m) => (
                <tr key={m.id} className="hover:bg-slate-50">
                  <Td className="max-w-xs">
                    <Link to="/p/$projectId/emails/$emailId" params={{ projectId: project.id, emailId: m.id }} className="font-medium break-words text-blue-800 hover:underline">
                      {m.subject || '(no subject)'}
                    </Link>
                  </Td>
                  <Td className="break-all">{m.to}</Td>
                  <Td>
                    <EmailStatusBadge status={m.status} />
                  </Td>
                  <Td className="max-w-xs text-xs break-words text-slate-800">{m.reason ?? '—'}</Td>
                  <Td className="text-xs">{m.sourceType}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(m.createdAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Emails pages"
            status={`Page ${page + 1}`}
            busy={emails.isFetching}
            hasPrevious={page > 0}
            hasNext={data.hasMore && data.cursor !== null}
            onPrevious={previous}
            onNext={() => next(data.cursor)}
          />
        </>
      ) : null}
    </div>
  );
}
