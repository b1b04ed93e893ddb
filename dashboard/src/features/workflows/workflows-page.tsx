import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { listWorkflows, updateWorkflow, workflowKeys, type Workflow } from '../../api/workflows';
import { Button } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { CreateWorkflowDialog } from './create-workflow-dialog';

const PAGE_SIZE = 20;

/** A compact on/off switch for a table row (its accessible name says which workflow). */
function EnabledToggle({ workflow, onToggle, busy }: { workflow: Workflow; onToggle: (next: boolean) => void; busy: boolean }) {
  const on = workflow.enabled;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={`${workflow.name} enabled`}
      disabled={busy}
      onClick={() => onToggle(!on)}
      className="inline-flex items-center gap-2 text-sm text-slate-800 disabled:opacity-60"
    >
      <span aria-hidden="true" className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors ${on ? 'bg-blue-700' : 'bg-slate-500'}`}>
        <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${on ? 'translate-x-5.5' : 'translate-x-0.5'}`} />
      </span>
      <span aria-hidden="true">{on ? 'On' : 'Off'}</span>
    </button>
  );
}

export function WorkflowsPage() {
  usePageTitle('Workflows');
  const { project } = useProject();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [enabled, setEnabled] = useState<'' | 'true' | 'false'>('');
  const [creating, setCreating] = useState(false);
  const q = useDebounced(search.trim(), 300);
  const workflows = useQuery({
    queryKey: [...workflowKeys.list(project.id), page, q, enabled],
    queryFn: () => listWorkflows(project.id, { page, pageSize: PAGE_SIZE, search: q || undefined, enabled: enabled === '' ? undefined : enabled === 'true' }),
    placeholderData: keepPreviousData,
  });
  const toggle = useMutation({
    mutationFn: (v: { workflow: Workflow; enabled: boolean }) => updateWorkflow(project.id, v.workflow.id, { enabled: v.enabled }),
    onSuccess: (w) => {
      toast.show(`${w.name} ${w.enabled ? 'enabled' : 'disabled'}.`);
      void queryClient.invalidateQueries({ queryKey: workflowKeys.list(project.id) });
      void queryClient.invalidateQueries({ queryKey: workflowKeys.one(project.id, w.id) });
    },
    onError: (err) => toast.show(`Could not change the workflow: ${errorMessage(err)}`, 'error'),
  });
  const newButton = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New workflow
    </Button>
  );
  const filtered = q !== '' || enabled !== '';

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Workflows"
        description="Automations that take a contact through emails, delays, conditions and webhooks when an event happens."
        actions={newButton}
      />
      <div className="mb-4 flex flex-wrap gap-3">
        <TextField
          className="w-full max-w-xs"
          label="Search"
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
          placeholder="Workflow name"
        />
        <SelectField
          className="w-48"
          label="State"
          value={enabled}
          onChange={(e) => {
            setEnabled(e.target.value as '' | 'true' | 'false');
            setPage(1);
          }}
        >
          <option value="">All workflows</option>
          <option value="true">Enabled</option>
          <option value="false">Disabled</option>
        </SelectField>
      </div>
      {workflows.isPending ? (
        <LoadingBlock label="Loading workflows…" />
      ) : workflows.isError ? (
        <ErrorAlert error={workflows.error} title="Could not load workflows" onRetry={() => void workflows.refetch()} />
      ) : workflows.data.workflows.length === 0 ? (
        <EmptyState
          title={filtered ? 'No workflows match' : 'No workflows yet'}
          description={
            filtered
              ? 'Try another name or state.'
              : 'For example: when a contact triggers user.signup, send a welcome email, wait two days, and send tips only to those who did not open it.'
          }
          action={filtered ? undefined : newButton}
        />
      ) : (
        <>
          <Table label="Workflows">
            <THead>
              <Th>Name</Th>
              <Th>Trigger</Th>
              <Th>Enabled</Th>
              <Th className="text-right">Steps</Th>
              <Th className="text-right">Executions</Th>
              <Th>Updated</Th>
            </THead>
            <TBody>
              {workflows.data.workflows.map((w) => (
                <tr key={w.id} className="hover:bg-slate-50">
                  <Td className="min-w-[12rem] max-w-md">
                    <Link to="/p/$projectId/workflows/$workflowId" params={{ projectId: project.id, workflowId: w.id }} className="font-medium break-words text-blue-800 hover:underline">
                      {w.name}
                    </Link>
                    {w.description && <p className="mt-0.5 text-xs break-words text-slate-700">{w.description}</p>}
                  </Td>
                  <Td className="break-all">{w.triggerType === 'MANUAL' ? 'Manual' : <code className="font-mono text-xs">{w.eventName}</code>}</Td>
                  <Td>
                    <EnabledToggle workflow={w} busy={toggle.isPending && toggle.variables?.workflow.id === w.id} onToggle={(next) => toggle.mutate({ workflow: w, enabled: next })} />
                  </Td>
                  <Td className="text-right tabular-nums">{formatNumber(w._count?.steps)}</Td>
                  <Td className="text-right tabular-nums">{formatNumber(w._count?.executions)}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(w.updatedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          {workflows.data.totalPages > 1 && (
            <Pager
              label="Workflow pages"
              hasPrevious={page > 1}
              hasNext={page < workflows.data.totalPages}
              onPrevious={() => setPage((p) => Math.max(1, p - 1))}
              onNext={() => setPage((p) => p + 1)}
              status={`Page ${page} of ${workflows.data.totalPages} · ${formatNumber(workflows.data.total)} workflows`}
              busy={workflows.isFetching}
            />
          )}
        </>
      )}
      <CreateWorkflowDialog
        projectId={project.id}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={async (w) => {
          setCreating(false);
          toast.show(`Workflow ${w.name} created.`);
          void queryClient.invalidateQueries({ queryKey: workflowKeys.list(project.id) });
          await navigate({ to: '/p/$projectId/workflows/$workflowId', params: { projectId: project.id, workflowId: w.id } });
        }}
      />
    </div>
  );
}
