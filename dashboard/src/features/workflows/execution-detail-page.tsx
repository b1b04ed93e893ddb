import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { getExecution, workflowKeys, type StepExecution } from '../../api/workflows';
import { Card, PageHeader } from '../../components/ui/page-header';
import { ErrorAlert } from '../../components/ui/error-alert';
import { LoadingBlock } from '../../components/ui/spinner';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { ExecutionStatusBadge, StepExecutionStatusBadge } from './workflow-badges';
import { STEP_INFO } from './workflow-graph';

const route = getRouteApi('/p/$projectId/workflows/$workflowId/executions/$executionId');

const hasValue = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'object' && Object.keys(v as object).length === 0);

function Json({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="mt-2">
      <p className="text-xs font-semibold text-slate-800">{label}</p>
      <pre tabIndex={0} role="region" aria-label={label} className="mt-1 max-h-64 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs break-words whitespace-pre-wrap text-slate-900">
        {JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

function TimelineItem({ item, projectId }: { item: StepExecution; projectId: string }) {
  const info = STEP_INFO[item.stepType];
  const name = item.stepName ?? info?.label ?? item.stepType;
  const emailId = item.output && typeof item.output === 'object' ? (item.output as { emailId?: unknown }).emailId : undefined;
  return (
    <li className="relative border-l-2 border-slate-300 pb-5 pl-5 last:pb-0">
      <span aria-hidden="true" className="absolute top-1.5 -left-[7px] h-3 w-3 rounded-full border-2 border-white bg-blue-700" />
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-sm font-semibold break-words text-slate-900">{name}</h3>
        <span className="text-xs text-slate-700">{info?.label ?? item.stepType}</span>
        <StepExecutionStatusBadge status={item.status} />
      </div>
      <dl className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-700">
        <div>
          <dt className="inline">Started </dt>
          <dd className="inline">{formatDateTime(item.startedAt)}</dd>
        </div>
        <div>
          <dt className="inline">Finished </dt>
          <dd className="inline">{formatDateTime(item.completedAt)}</dd>
        </div>
        {item.resumeAt && (
          <div>
            <dt className="inline">Resumes </dt>
            <dd className="inline">{formatDateTime(item.resumeAt)}</dd>
          </div>
        )}
      </dl>
      {item.error && (
        <p role="note" className="mt-2 rounded-md border border-red-300 bg-red-50 p-2 text-xs break-words text-red-900">
          {item.error}
        </p>
      )}
      {typeof emailId === 'string' && (
        <Link to="/p/$projectId/emails/$emailId" params={{ projectId, emailId }} className="mt-2 inline-block text-sm font-medium text-blue-800 hover:underline">
          View the email sent by {name}
        </Link>
      )}
      {hasValue(item.output) && <Json label={`Output of ${name}`} value={item.output} />}
    </li>
  );
}

/** One contact's run: its status and the timeline of the steps it went through. */
export function ExecutionDetailPage() {
  const { workflowId, executionId } = route.useParams();
  const { project } = useProject();
  const execution = useQuery({
    queryKey: workflowKeys.execution(project.id, workflowId, executionId),
    queryFn: () => getExecution(project.id, workflowId, executionId),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'RUNNING' || q.state.data.status === 'WAITING') ? 3_000 : false),
  });
  usePageTitle(execution.data ? `Run of ${execution.data.contact.email} · Workflows` : 'Workflow run');
  const back = (
    <Link to="/p/$projectId/workflows/$workflowId" params={{ projectId: project.id, workflowId }} search={{ tab: 'executions' }} className="text-sm font-medium text-blue-800 hover:underline">
      ← {execution.data ? execution.data.workflow.name : 'Workflow'}: executions
    </Link>
  );

  if (execution.isPending) return <LoadingBlock label="Loading the run…" />;
  if (execution.isError)
    return (
      <div className="max-w-4xl">
        <div className="mb-2">{back}</div>
        <ErrorAlert error={execution.error} title="Could not load the run" onRetry={() => void execution.refetch()} />
      </div>
    );
  const x = execution.data;
  return (
    <div className="max-w-4xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={`Run of ${x.contact.email}`}
        description={
          <>
            Workflow <strong>{x.workflow.name}</strong>. Each run follows the version of the workflow that existed when it started.
          </>
        }
        actions={<ExecutionStatusBadge status={x.status} />}
      />
      <div className="space-y-4">
        <Card title="Summary">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="text-slate-700">Contact</dt>
            <dd className="break-all">
              <Link to="/p/$projectId/contacts/$contactId" params={{ projectId: project.id, contactId: x.contact.id }} className="font-medium text-blue-800 hover:underline">
                {x.contact.email}
              </Link>
            </dd>
            <dt className="text-slate-700">Started</dt>
            <dd>{formatDateTime(x.startedAt)}</dd>
            <dt className="text-slate-700">Finished</dt>
            <dd>{formatDateTime(x.completedAt)}</dd>
            {x.exitReason && (
              <>
                <dt className="text-slate-700">Exit reason</dt>
                <dd className="break-words">{x.exitReason}</dd>
              </>
            )}
            {x.error && (
              <>
                <dt className="text-slate-700">Error</dt>
                <dd className="break-words text-red-800">{x.error}</dd>
              </>
            )}
          </dl>
          {hasValue(x.context) && <Json label="Context (trigger event data)" value={x.context} />}
        </Card>
        <Card title="Timeline">
          {x.steps.length === 0 ? (
            <p className="text-sm text-slate-700">No step has run yet.</p>
          ) : (
            <ol aria-label="Steps of this run" className="pl-1.5">
              {x.steps.map((s) => (
                <TimelineItem key={s.id} item={s} projectId={project.id} />
              ))}
            </ol>
          )}
        </Card>
      </div>
    </div>
  );
}
