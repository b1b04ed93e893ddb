import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { addSuppression, listSuppressions, removeSuppression } from '../../api/suppressions';
import { SUPPRESSION_REASONS, type Suppression, type SuppressionReason } from '../../api/types';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextField } from '../../components/ui/input';
import { Card, PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDateTime } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { useDebounced } from '../../lib/use-debounced';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { REASONS, REMOVAL_WARNINGS, SuppressionReasonBadge, sourceLabel } from './suppression-badges';
import { SuppressionImportDialog } from './suppression-import-dialog';

const route = getRouteApi('/p/$projectId/suppressions');
const PAGE_SIZE = 50;
const ADD_EMAIL_INPUT = 'add-suppression-email';
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function SuppressionsPage() {
  usePageTitle('Suppressions');
  const { project } = useProject();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const urlSearch = route.useSearch().search ?? '';
  const [searchInput, setSearchInput] = useState(urlSearch);
  const search = useDebounced(searchInput.trim(), 300);
  const { page, cursor, next, previous } = useCursorStack(search);
  const [importOpen, setImportOpen] = useState(false);
  const [removing, setRemoving] = useState<Suppression | null>(null);

  // The search lives in the URL too, so a filtered list can be linked (the email page links here).
  useEffect(() => {
    if (search === urlSearch) return;
    void navigate({ to: '/p/$projectId/suppressions', params: { projectId: project.id }, search: { search: search || undefined }, replace: true });
  }, [search, urlSearch, navigate, project.id]);

  const listKey = ['suppressions', project.id];
  const list = useQuery({
    queryKey: [...listKey, { search, cursor }],
    queryFn: () => listSuppressions(project.id, { limit: PAGE_SIZE, cursor, search: search || undefined }),
    placeholderData: keepPreviousData,
  });
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: ['suppressions', project.id] }), [queryClient, project.id]);

  const remove = useMutation({
    mutationFn: (s: Suppression) => removeSuppression(project.id, s.email),
    onSuccess: (_res, s) => {
      setRemoving(null);
      toast.show(`${s.email} was removed from the suppression list.`);
      refresh();
    },
  });
  const removeMissing = remove.error instanceof ApiError && remove.error.status === 404;

  const data = list.data;
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Suppressions"
        description="Addresses on this list never receive mail from this project. Hard bounces and spam complaints are added automatically; emails to a listed address are marked Suppressed instead of being sent."
        actions={<Button onClick={() => setImportOpen(true)}>Import CSV</Button>}
      />
      <div className="space-y-6">
        <AddSuppressionForm projectId={project.id} onAdded={refresh} />

        <section aria-labelledby="suppressed-addresses">
          <h2 id="suppressed-addresses" className="mb-3 text-base font-semibold text-slate-900">
            Suppressed addresses
          </h2>
          <div role="search" className="mb-4 max-w-md">
            <TextField
              label="Search suppressed addresses"
              type="search"
              placeholder="Part of an email address"
              value={searchInput}
              onChange={(e) => setSearchInput(e.target.value)}
            />
          </div>

          {list.isPending ? (
            <LoadingBlock label="Loading the suppression list…" />
          ) : list.isError ? (
            <ErrorAlert error={list.error} title="Could not load the suppression list" onRetry={() => void list.refetch()} />
          ) : data && data.data.length === 0 ? (
            search ? (
              <EmptyState
                title={`No suppressed address matches "${search}"`}
                description="Try another part of the address, or clear the search."
                action={<Button onClick={() => setSearchInput('')}>Clear search</Button>}
              />
            ) : (
              <EmptyState
                title="The suppression list is empty"
                description="Hard bounces and spam complaints land here automatically, so those addresses are never mailed again. Add an address above, or import a CSV file to bring over the list from your previous email provider."
                action={
                  <>
                    <Button variant="primary" onClick={() => document.getElementById(ADD_EMAIL_INPUT)?.focus()}>
                      Add an address
                    </Button>
                    <Button onClick={() => setImportOpen(true)}>Import CSV</Button>
                  </>
                }
              />
            )
          ) : data ? (
            <>
              <Table label="Suppressed addresses">
                <THead>
                  <Th>Email</Th>
                  <Th>Reason</Th>
                  <Th>Source</Th>
                  <Th>Added</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </THead>
                <TBody>
                  {data.data.map((s) => (
                    <tr key={s.id} className="hover:bg-slate-50">
                      <Td className="min-w-[14rem] font-medium break-all">{s.email}</Td>
                      <Td className="min-w-[10rem] max-w-xs">
                        <SuppressionReasonBadge reason={s.reason} />
                        {s.details && <p className="mt-1 text-xs break-words text-slate-700">{s.details}</p>}
                      </Td>
                      <Td className="whitespace-nowrap">
                        {sourceLabel(s.source)}
                        {s.emailId && (
                          <Link
                            to="/p/$projectId/emails/$emailId"
                            params={{ projectId: project.id, emailId: s.emailId }}
                            className="mt-1 block text-xs font-medium text-blue-800 hover:underline"
                            aria-label={`View the email that added ${s.email}`}
                          >
                            View the email
                          </Link>
                        )}
                      </Td>
                      <Td className="whitespace-nowrap">{formatDateTime(s.createdAt)}</Td>
                      <Td className="text-right">
                        <Button size="sm" variant="ghost" aria-label={`Remove ${s.email} from the suppression list`} onClick={() => setRemoving(s)}>
                          Remove
                        </Button>
                      </Td>
                    </tr>
                  ))}
                </TBody>
              </Table>
              <Pager
                label="Suppression list pages"
                status={`Page ${page + 1}`}
                busy={list.isFetching}
                hasPrevious={page > 0}
                hasNext={data.hasMore && data.cursor !== null}
                onPrevious={previous}
                onNext={() => next(data.cursor)}
              />
            </>
          ) : null}
        </section>
      </div>

      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing)}
        busy={remove.isPending}
        title={removing ? `Remove ${removing.email} from the suppression list?` : 'Remove from the suppression list?'}
        confirmLabel="Remove from list"
        description={
          removing && (
            <>
              <p>
                Listed as <strong>{REASONS[removing.reason]?.label ?? removing.reason}</strong> since {formatDateTime(removing.createdAt)}.{' '}
                {REMOVAL_WARNINGS[removing.reason] ?? ''}
              </p>
              <p className="mt-2">If the address bounces or complains again, it is added back automatically.</p>
            </>
          )
        }
      >
        {remove.isError && (
          <ErrorAlert error={remove.error} title={removeMissing ? 'This address is no longer on the list' : 'Could not remove the address'} onRetry={removeMissing ? refresh : undefined} />
        )}
      </ConfirmDialog>

      <SuppressionImportDialog projectId={project.id} open={importOpen} onClose={() => setImportOpen(false)} onImported={refresh} />
    </div>
  );
}

function AddSuppressionForm({ projectId, onAdded }: { projectId: string; onAdded: () => void }) {
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState<SuppressionReason>('MANUAL');
  const [details, setDetails] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () => addSuppression(projectId, { email: email.trim(), reason, details: details.trim() || undefined }),
    onSuccess: (s) => {
      toast.show(`${s.email} is on the suppression list (${REASONS[s.reason]?.label ?? s.reason}).`);
      setEmail('');
      setDetails('');
      setReason('MANUAL');
      onAdded();
    },
  });
  const err = add.error instanceof ApiError ? add.error : null;
  const serverError = err?.fieldErrors.find((f) => f.field === 'email')?.message ?? null;
  const emailError = localError ?? (serverError ? `Email address ${serverError}` : null);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // The obvious typos are caught here; the server's check is the real one.
    const problem = EMAIL_SHAPE.test(email.trim()) ? null : 'Enter a valid email address, e.g. name@example.com.';
    setLocalError(problem);
    if (!problem) add.mutate();
  };
  return (
    <Card title="Add an address">
      {add.isError && !serverError && (
        <div className="mb-4">
          <ErrorAlert error={add.error} title="Could not add the address" />
        </div>
      )}
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-[1fr_13rem]">
          <TextField
            id={ADD_EMAIL_INPUT}
            label="Email address"
            type="email"
            required
            maxLength={254}
            autoComplete="off"
            value={email}
            error={emailError}
            onChange={(e) => {
              setEmail(e.target.value);
              setLocalError(null);
              if (add.isError) add.reset();
            }}
          />
          <SelectField label="Reason" value={reason} onChange={(e) => setReason(e.target.value as SuppressionReason)}>
            {SUPPRESSION_REASONS.map((r) => (
              <option key={r} value={r}>
                {REASONS[r].label}
              </option>
            ))}
          </SelectField>
        </div>
        <TextField
          label="Note (optional)"
          maxLength={1000}
          value={details}
          hint="For your team, e.g. where the address came from."
          onChange={(e) => setDetails(e.target.value)}
        />
        <Button type="submit" variant="primary" loading={add.isPending} disabled={!email.trim()}>
          Add to suppression list
        </Button>
      </form>
    </Card>
  );
}
