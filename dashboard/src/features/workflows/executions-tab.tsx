import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { EXECUTION_STATUSES, cancelAllExecutions, cancelExecution, listExecutions, workflowKeys, type Execution, type ExecutionStatus, type WorkflowDetail } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField } from '../../components/ui/input';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber } from '../../lib/format';
import { ExecutionStatusBadge, titleCase } from './workflow-badges';

const PAGE_SIZE = 20;
const isActive = (s: ExecutionStatus) => s === 'RUNNING' || s === 'WAITING';

/** The runs of a workflow, newest first: filter by status, open one, cancel one or all active ones. */
export function ExecutionsTab({ projectId, workflow }: { projectId: string; workflow: WorkflowDetail }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<ExecutionStatus | ''>('');
  const [cancelling, setCancelling] = useState<Execution | 'all' | null>(null);
  const baseKey = workflowKeys.executions(projectId, workflow.id);
  const executions = useQuery({
    queryKey: [...baseKey, page, status],
    queryFn: () => listExecutions(projectId, workflow.id, { page, pageSize: PAGE_SIZE, status: status || undefined }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const stepName = (id: string | null) => (id ? (workflow.steps.find((s) => s.id === id)?.name ?? 'a deleted step') : '—');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: baseKey });
    void queryClient.invalidateQueries({ queryKey: workflowKeys.counts(projectId, workflow.id) });
  };
  const cancel = useMutation({
    mutationFn: async (target: Execution | 'all') =>
      target === 'all' ? (await cancelAllExecutions(projectId, workflow.id)).cancelled : (await cancelExecution(projectId, workflow.id, target.id), target),
    onSuccess: (result) => {
      // A single cancel names its contact, so two cancels in a row never read as the same message.
      toast.show(
        typeof result === 'number'
          ? `${formatNumber(result)} run${result === 1 ? '' : 's'} cancelled.`
          : `Run of ${result.contact?.email ?? result.contactId} cancelled.`,
      );
      setCancelling(null);
      refresh();
    },
  });

  return (
    <div>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <SelectField
          className="w-56"
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as ExecutionStatus | '');
            setPage(1);
          }}
        >
          <option value="">All statuses</option>
          {EXECUTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {titleCase(s)}
            </option>
          ))}
        </SelectField>
        <div className="flex gap-2">
          <Button onClick={refresh} loading={executions.isFetching && !executions.isPending}>
            Refresh
          </Button>
          <Button variant="danger" onClick={() => setCancelling('all')}>
            Cancel all active runs
          </Button>
        </div>
      </div>
      {executions.isPending ? (
        <LoadingBlock label="Loading runs…" />
      ) : executions.isError ? (
        <ErrorAlert error={executions.error} title="Could not load the runs" onRetry={() => void executions.refetch()} />
      ) : executions.data.executions.length === 0 ? (
        <EmptyState
          title={status ? `No ${titleCase(status).toLowerCase()} runs` : 'No runs yet'}
          description={
            status
              ? 'Choose another status to see other runs.'
              : workflow.enabled
                ? 'A run starts each time a contact triggers the workflow’s event.'
                : 'The workflow is disabled: enable it so that its trigger starts runs.'
          }
        />
      ) : (
        <>
          <Table label="Executions">
            <THead>
              <Th>Contact</Th>
              <Th>Status</Th>
              <Th>Current step</Th>
              <Th>Started</Th>
              <Th>Finished</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </THead>
            <TBody>
              {executions.data.executions.map((x) => (
                <tr key={x.id} className="hover:bg-slate-50">
                  <Td className="min-w-[12rem] break-all">
                    <Link
                      to="/p/$projectId/workflows/$workflowId/executions/$executionId"
                      params={{ projectId, workflowId: workflow.id, executionId: x.id }}
                      className="font-medium text-blue-800 hover:underline"
                    >
                      {x.contact?.email ?? x.contactId}
                    </Link>
                  </Td>
                  <Td>
                    <ExecutionStatusBadge status={x.status} />
                    {x.exitReason && <span className="block text-xs text-slate-700">{x.exitReason}</span>}
                  </Td>
                  <Td>{isActive(x.status) ? stepName(x.currentStepId) : '—'}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(x.startedAt)}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(x.completedAt)}</Td>
                  <Td className="text-right">
                    {isActive(x.status) && (
                      <Button size="sm" variant="ghost" aria-label={`Cancel the run of ${x.contact?.email ?? x.contactId}`} onClick={() => setCancelling(x)}>
                        Cancel
                      </Button>
                    )}
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          {executions.data.totalPages > 1 && (
            <Pager
              label="Execution pages"
              hasPrevious={page > 1}
              hasNext={page < executions.data.totalPages}
              onPrevious={() => setPage((p) => Math.max(1, p - 1))}
              onNext={() => setPage((p) => p + 1)}
              status={`Page ${page} of ${executions.data.totalPages} · ${formatNumber(executions.data.total)} runs`}
              busy={executions.isFetching}
            />
          )}
        </>
      )}
      <ConfirmDialog
        open={cancelling !== null}
        onClose={() => {
          cancel.reset();
          setCancelling(null);
        }}
        onConfirm={() => cancelling && cancel.mutate(cancelling)}
        busy={cancel.isPending}
        title={cancelling === 'all' ? 'Cancel every active run?' : 'Cancel this run?'}
        confirmLabel={cancelling === 'all' ? 'Yes, cancel them all' : 'Yes, cancel the run'}
        description={
          cancelling === 'all' ? (
            <p>Every running or waiting run of this workflow stops where it is. Emails already sent stay sent.</p>
          ) : (
            <p>The run of {cancelling?.contact?.email ?? 'this contact'} stops where it is. Emails already sent stay sent.</p>
          )
        }
      >
        {cancel.isError && <ErrorAlert error={cancel.error} title="Could not cancel" />}
      </ConfirmDialog>
    </div>
  );
}
