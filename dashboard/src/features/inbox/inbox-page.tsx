import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listInbox } from '../../api/emails';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { formatDateTime } from '../../lib/format';
import { useConfig } from '../../lib/session';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { InboxMessageView } from './inbox-message';

export function InboxPage() {
  usePageTitle('Dev Inbox');
  const { project } = useProject();
  const config = useConfig();
  const [selected, setSelected] = useState<string | null>(null);
  const inbox = useQuery({ queryKey: ['inbox', project.id], queryFn: () => listInbox(project.id, 50) });
  const messages = inbox.data?.data ?? [];
  const current = selected ?? messages[0]?.id ?? null;

  return (
    <div className="max-w-7xl">
      <PageHeader
        title="Dev Inbox"
        description="Messages kept by the inbox transport instead of being delivered: the exact bytes that would have been sent."
        actions={
          <Button onClick={() => void inbox.refetch()} loading={inbox.isFetching && !inbox.isPending}>
            Refresh
          </Button>
        }
      />
      {config.data && !config.data.devInbox && (
        <p role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          The inbox transport is not active on this instance, so new emails are delivered for real and do not appear here.
        </p>
      )}
      {inbox.isPending ? (
        <LoadingBlock label="Loading the inbox…" />
      ) : inbox.isError ? (
        <ErrorAlert error={inbox.error} title="Could not load the Dev Inbox" onRetry={() => void inbox.refetch()} />
      ) : messages.length === 0 ? (
        <EmptyState
          title="The Dev Inbox is empty"
          description={
            <>
              Send an email with <code className="font-mono">POST /v1/send</code>. With the inbox transport it lands here within a few seconds; press Refresh.
            </>
          }
        />
      ) : (
        <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
          <section aria-labelledby="inbox-list-heading" className="self-start rounded-lg border border-slate-200 bg-white">
            <h2 id="inbox-list-heading" className="border-b border-slate-200 px-4 py-3 text-sm font-semibold text-slate-900">
              Messages ({messages.length})
            </h2>
            <ul className="max-h-[40rem] divide-y divide-slate-200 overflow-y-auto">
              {messages.map((m) => {
                const active = m.id === current;
                return (
                  <li key={m.id}>
                    <button
                      type="button"
                      aria-current={active ? 'true' : undefined}
                      onClick={() => setSelected(m.id)}
                      className={`block w-full px-4 py-3 text-left text-sm ${active ? 'bg-blue-50' : 'hover:bg-slate-50'}`}
                    >
                      <span className="block truncate font-medium text-slate-900">{m.subject || '(no subject)'}</span>
                      <span className="block truncate text-xs text-slate-700">To {m.to}</span>
                      <span className="block text-xs text-slate-700">{formatDateTime(m.createdAt)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
          <section aria-label="Selected message" className="min-w-0">
            {current && <InboxMessageView key={current} projectId={project.id} id={current} />}
          </section>
        </div>
      )}
    </div>
  );
}
