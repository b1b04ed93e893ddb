import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { computeSegment, getSegment, refreshSegment } from '../../api/segments';
import type { Segment } from '../../api/types';
import { Badge } from '../../components/ui/badge';
import { Button, buttonClass } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { useToast } from '../../components/ui/toast';
import { formatDateTime, formatNumber } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { DeleteSegmentDialog } from './delete-segment-dialog';
import { SegmentTypeBadge } from './segment-badges';
import { SegmentForm } from './segment-form';
import { segmentKeys } from './segment-keys';
import { AddMembersCard, MembersCard } from './segment-members';

const route = getRouteApi('/p/$projectId/segments/$segmentId');

/** `/segments/new` creates a segment; `/segments/:id` edits one and manages its members. */
export function SegmentEditorPage() {
  const { segmentId } = route.useParams();
  const { project } = useProject();
  const isNew = segmentId === 'new';
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const key = segmentKeys.one(project.id, segmentId);
  const segment = useQuery({ queryKey: key, queryFn: () => getSegment(project.id, segmentId), enabled: !isNew });
  usePageTitle(isNew ? 'New segment' : segment.data ? `${segment.data.name} · Segments` : 'Segment');

  const afterChange = (s: Segment | null) => {
    if (s) queryClient.setQueryData(key, s);
    else void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: segmentKeys.list(project.id) });
    void queryClient.invalidateQueries({ queryKey: segmentKeys.contacts(project.id, segmentId) });
  };
  const refresh = useMutation({
    mutationFn: () => refreshSegment(project.id, segmentId),
    onSuccess: (s) => {
      afterChange(s);
      toast.show(`Member count refreshed: ${formatNumber(s.memberCount)} contact${s.memberCount === 1 ? '' : 's'}.`);
    },
  });
  const compute = useMutation({
    mutationFn: () => computeSegment(project.id, segmentId),
    onSuccess: (r) => {
      afterChange(null);
      toast.show(`Membership computed: ${formatNumber(r.added)} entered, ${formatNumber(r.removed)} left, ${formatNumber(r.total)} member${r.total === 1 ? '' : 's'} now.`);
    },
  });

  const back = (
    <Link to="/p/$projectId/segments" params={{ projectId: project.id }} className="text-sm font-medium text-blue-800 hover:underline">
      ← All segments
    </Link>
  );

  if (isNew) {
    return (
      <div className="max-w-6xl">
        <div className="mb-2">{back}</div>
        <PageHeader title="New segment" description="Describe who belongs in the segment. For a dynamic segment, the live count shows how many contacts match as you build the filters." />
        <SegmentForm
          projectId={project.id}
          onSaved={async (saved) => {
            toast.show(`Segment ${saved.name} created.`);
            await navigate({ to: '/p/$projectId/segments/$segmentId', params: { projectId: project.id, segmentId: saved.id }, replace: true });
          }}
        />
      </div>
    );
  }

  if (segment.isPending) return <LoadingBlock label="Loading segment…" />;
  if (segment.isError) {
    const missing = segment.error instanceof ApiError && segment.error.status === 404;
    return (
      <div className="max-w-3xl space-y-4">
        {back}
        <h1 className="text-2xl font-semibold text-slate-900">{missing ? 'Segment not found' : 'Segment'}</h1>
        {missing ? (
          <EmptyState
            title="This segment does not exist in this project"
            description="It may have been deleted."
            action={
              <Link to="/p/$projectId/segments" params={{ projectId: project.id }} className={buttonClass('primary')}>
                Back to segments
              </Link>
            }
          />
        ) : (
          <ErrorAlert error={segment.error} title="Could not load the segment" onRetry={() => void segment.refetch()} />
        )}
      </div>
    );
  }

  const s = segment.data;
  return (
    <div className="max-w-6xl">
      <div className="mb-2">{back}</div>
      <PageHeader
        title={s.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <SegmentTypeBadge type={s.type} />
            {s.trackMembership && <Badge tone="green">Tracked</Badge>}
            <span>
              <strong data-testid="segment-member-count">{formatNumber(s.memberCount)}</strong> member{s.memberCount === 1 ? '' : 's'}
              {s.memberCountAt ? ` · counted ${formatDateTime(s.memberCountAt)}` : ''}
            </span>
          </span>
        }
        actions={
          <>
            <Button loading={refresh.isPending} onClick={() => refresh.mutate()}>
              Refresh count
            </Button>
            {s.trackMembership && (
              <Button loading={compute.isPending} onClick={() => compute.mutate()}>
                Compute now
              </Button>
            )}
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete segment
            </Button>
          </>
        }
      />
      <div className="space-y-6">
        {refresh.isError && <ErrorAlert error={refresh.error} title="Could not refresh the member count" onRetry={() => refresh.mutate()} />}
        {compute.isError && <ErrorAlert error={compute.error} title="Could not compute the membership" onRetry={() => compute.mutate()} />}
        <p className="text-sm text-slate-700">
          Segment ID <code className="font-mono break-all">{s.id}</code>
          {s.trackMembership && (
            <>
              {' '}
              · events <code className="font-mono break-all">segment.{s.slug}.entry</code> and <code className="font-mono break-all">segment.{s.slug}.exit</code>
            </>
          )}
        </p>
        <SegmentForm key={s.id} projectId={project.id} segment={s} onSaved={(saved) => toast.show(`Segment ${saved.name} saved.`)} />
        {s.type === 'STATIC' && <AddMembersCard projectId={project.id} segment={s} />}
        <MembersCard projectId={project.id} segment={s} />
      </div>

      <DeleteSegmentDialog
        projectId={project.id}
        segment={deleting ? s : null}
        onClose={() => setDeleting(false)}
        onDeleted={async (removed) => {
          setDeleting(false);
          queryClient.removeQueries({ queryKey: key });
          void queryClient.invalidateQueries({ queryKey: segmentKeys.list(project.id) });
          toast.show(`Segment ${removed.name} deleted.`);
          await navigate({ to: '/p/$projectId/segments', params: { projectId: project.id } });
        }}
      />
    </div>
  );
}
