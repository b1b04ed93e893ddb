import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { getWorkflow, workflowKeys } from '../../api/workflows';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { Tabs } from '../../components/ui/tabs';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { ExecutionsTab } from './executions-tab';
import { EnabledBadge } from './workflow-badges';
import { WorkflowBuilder } from './workflow-builder';
import { WorkflowSettingsBar } from './workflow-settings-bar';

const route = getRouteApi('/p/$projectId/workflows/$workflowId');

export type WorkflowTab = 'editor' | 'executions';

/** One workflow: settings, the canvas editor, and its runs (tab in the URL: ?tab=executions). */
export function WorkflowEditorPage() {
  const { workflowId } = route.useParams();
  const { tab = 'editor' } = route.useSearch();
  const navigate = useNavigate();
  const { project } = useProject();
  const workflow = useQuery({ queryKey: workflowKeys.one(project.id, workflowId), queryFn: () => getWorkflow(project.id, workflowId) });
  usePageTitle(workflow.data ? `${workflow.data.name} · Workflows` : 'Workflow');

  const back = (
    <Link to="/p/$projectId/workflows" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All workflows
    </Link>
  );
  if (workflow.isPending) return <LoadingBlock label="Loading the workflow…" />;
  if (workflow.isError) {
    return (
      <div className="max-w-4xl">
        <div className="mb-2">{back}</div>
        <ErrorAlert error={workflow.error} title="Could not load the workflow" onRetry={() => void workflow.refetch()} />
      </div>
    );
  }
  const w = workflow.data;
  return (
    <div className="max-w-[96rem]">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={w.name}
        description={
          <>
            {w.triggerType === 'MANUAL' ? (
              'Started manually through the API.'
            ) : (
              <>
                Starts when a contact triggers <code className="font-mono">{w.eventName}</code>.
              </>
            )}
            {w.description && <span className="mt-1 block">{w.description}</span>}
          </>
        }
        actions={<EnabledBadge enabled={w.enabled} />}
      />
      <WorkflowSettingsBar projectId={project.id} workflow={w} />
      <Tabs
        label="Workflow views"
        items={[
          { key: 'editor', label: 'Editor' },
          { key: 'executions', label: 'Executions' },
        ]}
        value={tab}
        onChange={(next: WorkflowTab) =>
          void navigate({ to: '/p/$projectId/workflows/$workflowId', params: { projectId: project.id, workflowId }, search: { tab: next === 'editor' ? undefined : next }, replace: true })
        }
      >
        {tab === 'executions' ? <ExecutionsTab projectId={project.id} workflow={w} /> : <WorkflowBuilder projectId={project.id} workflow={w} />}
      </Tabs>
    </div>
  );
}
