import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { addSegmentMembers, listSegmentContacts, removeSegmentMembers } from '../../api/segments';
import type { Contact, Segment, SegmentMembersAdded } from '../../api/types';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { CheckboxField, TextAreaField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber } from '../../lib/format';
import { segmentKeys } from './segment-keys';

const PAGE_SIZE = 25;
const MAX_EMAILS = 500;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const ADD_MEMBERS_INPUT = 'segment-add-members';

/** Addresses from pasted text: one per line or separated by commas, semicolons or spaces; repeats dropped. */
export function parseEmails(text: string): { emails: string[]; invalid: string[] } {
  const seen = new Set<string>();
  const emails: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const value = raw.trim().replace(/^<(.*)>$/, '$1');
    if (!value) continue;
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    (EMAIL_SHAPE.test(value) ? emails : invalid).push(value);
  }
  return { emails, invalid };
}

function useRefreshSegment(projectId: string, segmentId: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: segmentKeys.contacts(projectId, segmentId) });
    void queryClient.invalidateQueries({ queryKey: segmentKeys.one(projectId, segmentId) });
    void queryClient.invalidateQueries({ queryKey: segmentKeys.list(projectId) });
  };
}

/** STATIC segments: paste addresses to add them (optionally creating missing contacts). */
export function AddMembersCard({ projectId, segment }: { projectId: string; segment: Segment }) {
  const toast = useToast();
  const refresh = useRefreshSegment(projectId, segment.id);
  const [text, setText] = useState('');
  const [createMissing, setCreateMissing] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [result, setResult] = useState<(SegmentMembersAdded & { requested: number }) | null>(null);
  const add = useMutation({
    mutationFn: (emails: string[]) => addSegmentMembers(projectId, segment.id, { emails, createMissing }),
    onSuccess: (res, emails) => {
      setResult({ ...res, requested: emails.length });
      setText(res.notFound.join('\n'));
      toast.show(`${formatNumber(res.added)} contact${res.added === 1 ? '' : 's'} added to ${segment.name}.`);
      refresh();
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const { emails, invalid } = parseEmails(text);
    let problem: string | null = null;
    if (invalid.length) problem = `Not an email address: ${invalid.slice(0, 5).join(', ')}${invalid.length > 5 ? ` and ${invalid.length - 5} more` : ''}.`;
    else if (emails.length === 0) problem = 'Paste at least one email address.';
    else if (emails.length > MAX_EMAILS) problem = `Up to ${MAX_EMAILS} addresses at a time (you pasted ${formatNumber(emails.length)}).`;
    setLocalError(problem);
    setResult(null);
    if (!problem) add.mutate(emails);
  };
  const serverError = add.error instanceof ApiError ? (add.error.fieldErrors.find((f) => f.field?.startsWith('emails'))?.message ?? null) : null;
  return (
    <Card title="Add members">
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        {add.isError && !serverError && <ErrorAlert error={add.error} title="Could not add the members" />}
        <TextAreaField
          id={ADD_MEMBERS_INPUT}
          label="Email addresses"
          rows={5}
          value={text}
          error={localError ?? serverError}
          hint={`One per line, or separated by commas or spaces. Up to ${MAX_EMAILS} at a time.`}
          onChange={(e) => {
            setText(e.target.value);
            setLocalError(null);
            if (add.isError) add.reset();
          }}
        />
        <CheckboxField
          label="Create contacts for addresses that do not exist yet"
          hint="New contacts are subscribed. Without this, unknown addresses are listed below and not added."
          checked={createMissing}
          onChange={(e) => setCreateMissing(e.target.checked)}
        />
        <Button type="submit" variant="primary" loading={add.isPending} disabled={!text.trim()}>
          Add to segment
        </Button>
      </form>
      {result && (
        <div role="status" className={`mt-4 rounded-md border p-3 text-sm ${result.notFound.length ? 'border-amber-300 bg-amber-50 text-amber-950' : 'border-green-300 bg-green-50 text-green-900'}`}>
          <p>
            {formatNumber(result.added)} added{result.created ? `, ${formatNumber(result.created)} new contact${result.created === 1 ? '' : 's'} created` : ''}
            {result.requested - result.added - result.notFound.length > 0 && `, ${formatNumber(result.requested - result.added - result.notFound.length)} already members`}.
          </p>
          {result.notFound.length > 0 && (
            <p className="mt-1 break-words">
              {formatNumber(result.notFound.length)} address{result.notFound.length === 1 ? ' has' : 'es have'} no contact and {result.notFound.length === 1 ? 'was' : 'were'} not
              added (left in the box above): {result.notFound.slice(0, 10).join(', ')}
              {result.notFound.length > 10 ? ', …' : ''}. Tick “Create contacts” to add them.
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

/** The contacts in the segment, paged; STATIC members can be removed. */
export function MembersCard({ projectId, segment }: { projectId: string; segment: Segment }) {
  const toast = useToast();
  const refresh = useRefreshSegment(projectId, segment.id);
  const [page, setPage] = useState(1);
  const members = useQuery({
    queryKey: [...segmentKeys.contacts(projectId, segment.id), { page }],
    queryFn: () => listSegmentContacts(projectId, segment.id, { page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (c: Contact) => removeSegmentMembers(projectId, segment.id, [c.email]),
    onSuccess: (_res, c) => {
      toast.show(`${c.email} was removed from ${segment.name}.`);
      refresh();
    },
    onError: (err, c) => toast.show(`Could not remove ${c.email}: ${err.message}`, 'error'),
  });
  const isStatic = segment.type === 'STATIC';
  const data = members.data;
  // A removal can empty the last page: step back instead of showing an empty page.
  const emptyPage = data !== undefined && data.data.length === 0 && page > 1 && !members.isFetching;
  const lastPage = Math.max(1, data?.totalPages ?? 1);
  useEffect(() => {
    if (emptyPage) setPage(lastPage);
  }, [emptyPage, lastPage]);

  return (
    <Card title="Members">
      <p className="mb-4 text-sm text-slate-700">
        {isStatic
          ? 'The contacts in this list, most recently added first.'
          : 'Contacts that match the saved filters right now, newest first. Unsaved changes to the filters are not applied here.'}
      </p>
      {members.isPending ? (
        <LoadingBlock label="Loading members…" />
      ) : members.isError ? (
        <ErrorAlert error={members.error} title="Could not load the members" onRetry={() => void members.refetch()} />
      ) : data && data.data.length === 0 ? (
        <EmptyState
          title={isStatic ? 'No members yet' : 'No contact matches these filters'}
          description={isStatic ? 'Paste email addresses above to add contacts to this segment.' : 'Change the filters, or wait for contacts that match them.'}
        />
      ) : data ? (
        <>
          <Table label={`Members of ${segment.name}`}>
            <THead>
              <Th>Email</Th>
              <Th>Subscription</Th>
              <Th>Contact since</Th>
              {isStatic && (
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </THead>
            <TBody>
              {data.data.map((c) => (
                <tr key={c.id} className="hover:bg-slate-50">
                  <Td className="min-w-[14rem] break-all">
                    <Link to="/p/$projectId/contacts/$contactId" params={{ projectId, contactId: c.id }} className="font-medium text-blue-800 hover:underline">
                      {c.email}
                    </Link>
                  </Td>
                  <Td>{c.subscribed ? <Badge tone="green">Subscribed</Badge> : <Badge>Unsubscribed</Badge>}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(c.createdAt)}</Td>
                  {isStatic && (
                    <Td className="text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        loading={remove.isPending && remove.variables?.id === c.id}
                        aria-label={`Remove ${c.email} from the segment`}
                        onClick={() => remove.mutate(c)}
                      >
                        Remove
                      </Button>
                    </Td>
                  )}
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Member pages"
            status={`Page ${data.page} of ${Math.max(1, data.totalPages)} · ${formatNumber(data.total)} member${data.total === 1 ? '' : 's'}`}
            busy={members.isFetching}
            hasPrevious={page > 1}
            hasNext={page < data.totalPages}
            onPrevious={() => setPage((p) => Math.max(1, p - 1))}
            onNext={() => setPage((p) => p + 1)}
          />
        </>
      ) : null}
    </Card>
  );
}
