import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { exportContacts, listContacts } from '../../api/contacts';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { saveBlob } from '../../lib/download';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { useDebounced } from '../../lib/use-debounced';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { ContactImportDialog } from './contact-import-dialog';

const PAGE_SIZE = 25;

export function ContactsPage() {
  usePageTitle('Contacts');
  const { project } = useProject();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounced(searchInput.trim(), 300);
  const { page, cursor, next, previous } = useCursorStack(search);
  const [importOpen, setImportOpen] = useState(false);

  const contacts = useQuery({
    queryKey: ['contacts', project.id, { search, cursor }],
    queryFn: () => listContacts(project.id, { limit: PAGE_SIZE, cursor, search: search || undefined }),
    placeholderData: keepPreviousData,
  });
  const exporter = useMutation({
    mutationFn: () => exportContacts(project.id, search || undefined),
    onSuccess: ({ blob, filename }) => {
      saveBlob(blob, filename);
      toast.show('Export downloaded.');
    },
    onError: (err) => toast.show(`Export failed: ${err.message}`, 'error'),
  });
  const onImported = useCallback(() => void queryClient.invalidateQueries({ queryKey: ['contacts', project.id] }), [queryClient, project.id]);

  const data = contacts.data;
  const first = page * PAGE_SIZE + 1;
  const status = data && data.data.length > 0 ? `Showing ${formatNumber(first)}–${formatNumber(first + data.data.length - 1)} of ${formatNumber(data.total)}` : undefined;

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Contacts"
        description={data ? `${formatNumber(data.total)} contact${data.total === 1 ? '' : 's'}${search ? ` matching "${search}"` : ''}` : 'People you send email to.'}
        actions={
          <>
            <Button onClick={() => setImportOpen(true)}>Import CSV</Button>
            <Button onClick={() => exporter.mutate()} loading={exporter.isPending}>
              Export CSV
            </Button>
          </>
        }
      />
      <div role="search" className="mb-4 max-w-md">
        <TextField label="Search contacts" type="search" placeholder="Search by email" value={searchInput} onChange={(e) => setSearchInput(e.target.value)} />
      </div>

      {contacts.isPending ? (
        <LoadingBlock label="Loading contacts…" />
      ) : contacts.isError ? (
        <ErrorAlert error={contacts.error} title="Could not load contacts" onRetry={() => void contacts.refetch()} />
      ) : data && data.data.length === 0 ? (
        search ? (
          <EmptyState title={`No contacts match "${search}"`} description="Try another part of the email address, or clear the search." action={<Button onClick={() => setSearchInput('')}>Clear search</Button>} />
        ) : (
          <EmptyState
            title="No contacts yet"
            description={
              <>
                Import a CSV file, create contacts with <code className="font-mono">POST /contacts</code>, or track an event with{' '}
                <code className="font-mono">POST /v1/track</code>: the contact is created on the fly.
              </>
            }
            action={
              <Button variant="primary" onClick={() => setImportOpen(true)}>
                Import CSV
              </Button>
            }
          />
        )
      ) : data ? (
        <>
          <Table label="Contacts">
            <THead>
              <Th>Email</Th>
              <Th>Subscription</Th>
              <Th>Data fields</Th>
              <Th>Created</Th>
            </THead>
            <TBody>
              {data.data.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <Td>
                    <Link to="/p/$projectId/contacts/$contactId" params={{ projectId: project.id, contactId: c.id }} className="font-medium text-blue-800 hover:underline">
                      {c.email}
                    </Link>
                  </Td>
                  <Td>{c.subscribed ? <Badge tone="green">Subscribed</Badge> : <Badge>Unsubscribed</Badge>}</Td>
                  <Td>{c.data ? Object.keys(c.data).length : 0}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(c.createdAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Contacts pages"
            status={status}
            busy={contacts.isFetching}
            hasPrevious={page > 0}
            hasNext={data.hasMore && data.cursor !== null}
            onPrevious={previous}
            onNext={() => next(data.cursor)}
          />
        </>
      ) : null}

      <ContactImportDialog projectId={project.id} open={importOpen} onClose={() => setImportOpen(false)} onFinished={onImported} />
    </div>
  );
}
