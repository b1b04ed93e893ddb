import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { ApiError } from '../../api/client';
import { campaignKeys, getCampaign, type Campaign } from '../../api/campaigns';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { CampaignStatusBadge } from './campaign-badges';
import { CampaignForm } from './campaign-form';
import { CampaignReport } from './campaign-report';

const route = getRouteApi('/p/$projectId/campaigns/$campaignId');

/** `/campaigns/new` creates a draft; DRAFT and SCHEDULED campaigns are edited, the others are reported on. */
export function CampaignEditorPage() {
  const { campaignId } = route.useParams();
  const { project } = useProject();
  const isNew = campaignId === 'new';
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = campaignKeys.one(project.id, campaignId);
  const campaign = useQuery({
    queryKey: key,
    queryFn: () => getCampaign(project.id, campaignId),
    enabled: !isNew,
    refetchInterval: (q) => (q.state.data?.status === 'SENDING' ? 2000 : false),
  });
  usePageTitle(isNew ? 'New campaign' : campaign.data ? `${campaign.data.name} · Campaigns` : 'Campaign');

  const back = (
    <Link to="/p/$projectId/campaigns" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All campaigns
    </Link>
  );
  const onChanged = (c: Campaign) => {
    queryClient.setQueryData(campaignKeys.one(project.id, c.id), c);
    void queryClient.invalidateQueries({ queryKey: campaignKeys.list(project.id) });
  };

  if (isNew) {
    return (
      <div className="max-w-7xl">
        <div className="mb-2">{back}</div>
        <PageHeader title="New campaign" description="Write the email, pick the audience and save it as a draft. The recipient count appears once the draft is saved." />
        <CampaignForm
          projectId={project.id}
          onSaved={async (saved) => {
            onChanged(saved);
            await navigate({ to: '/p/$projectId/campaigns/$campaignId', params: { projectId: project.id, campaignId: saved.id }, replace: true });
          }}
          onDeleted={() => undefined}
        />
      </div>
    );
  }

  if (campaign.isPending) return <LoadingBlock label="Loading campaign…" />;
  if (campaign.isError) {
    const missing = campaign.error instanceof ApiError && campaign.error.status === 404;
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">{missing ? 'Campaign not found' : 'Campaign'}</h1>
        <ErrorAlert error={campaign.error} title={missing ? 'This campaign does not exist. It may have been deleted.' : 'Could not load the campaign'} onRetry={missing ? undefined : () => void campaign.refetch()} />
      </div>
    );
  }

  const c = campaign.data;
  const editable = c.status === 'DRAFT' || c.status === 'SCHEDULED';
  return (
    <div className="max-w-7xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={c.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <CampaignStatusBadge status={c.status} />
            <span>
              Campaign ID <code className="font-mono break-all">{c.id}</code>
            </span>
          </span>
        }
      />
      {editable ? (
        <CampaignForm
          key={`${c.id}-${c.status}`}
          projectId={project.id}
          campaign={c}
          onSaved={onChanged}
          onDeleted={async () => {
            queryClient.removeQueries({ queryKey: key });
            await queryClient.invalidateQueries({ queryKey: campaignKeys.list(project.id) });
            await navigate({ to: '/p/$projectId/campaigns', params: { projectId: project.id } });
          }}
        />
      ) : (
        <CampaignReport projectId={project.id} campaign={c} onChanged={onChanged} />
      )}
    </div>
  );
}
