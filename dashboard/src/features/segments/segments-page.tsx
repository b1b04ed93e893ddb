import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { listSegments } from '../../api/segments';
import { Badge } from '../../components/ui/badge';
import { buttonClass } from '../../components/ui/button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime, formatNumber } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { SEGMENT_TYPES_INFO, SegmentTypeBadge } from './segment-badges';
import { segmentKeys } from './segment-keys';

export function SegmentsPage() {
  usePageTitle('Segments');
  const { project } = useProject();
  const segments = useQuery({ queryKey: segmentKeys.list(project.id), queryFn: () => listSegments(project.id) });
  const newButton = (
    <Link to="/p/$projectId/segments/$segmentId" params={{ projectId: project.id, segmentId: 'new' }} className={buttonClass('primary')}>
      New segment
    </Link>
  );

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Segments"
        description="Groups of contacts to send campaigns to and to start workflows from. Dynamic segments follow filters; static segments are lists you manage."
        actions={newButton}
      />
      {segments.isPending ? (
        <LoadingBlock label="Loading segments…" />
      ) : segments.isError ? (
        <ErrorAlert error={segments.error} title="Could not load segments" onRetry={() => void segments.refetch()} />
      ) : segments.data.length === 0 ? (
        <EmptyState
          title="No segments yet"
          description={
            <>
              <p>A segment is a group of contacts you can target as one audience.</p>
              <ul className="mx-auto mt-3 max-w-prose space-y-1 text-left">
                <li>
                  <strong>{SEGMENT_TYPES_INFO.DYNAMIC.label}:</strong> {SEGMENT_TYPES_INFO.DYNAMIC.description} For example: subscribed contacts on the Pro plan
                  who opened an email in the last 30 days.
                </li>
                <li>
                  <strong>{SEGMENT_TYPES_INFO.STATIC.label}:</strong> {SEGMENT_TYPES_INFO.STATIC.description}
                </li>
              </ul>
              <p className="mt-3">With membership tracking on, contacts entering or leaving a segment emit events that can start workflows.</p>
            </>
          }
          action={newButton}
        />
      ) : (
        <Table label="Segments">
          <THead>
            <Th>Name</Th>
            <Th>Type</Th>
            <Th className="text-right">Members</Th>
            <Th>Updated</Th>
          </THead>
          <TBody>
            {segments.data.map((s) => (
              <tr key={s.id} className="hover:bg-slate-50">
                <Td className="min-w-[14rem] max-w-md">
                  <Link
                    to="/p/$projectId/segments/$segmentId"
                    params={{ projectId: project.id, segmentId: s.id }}
                    className="font-medium break-words text-blue-800 hover:underline"
                  >
                    {s.name}
                  </Link>
                  {s.description && <p className="mt-0.5 text-xs break-words text-slate-700">{s.description}</p>}
                </Td>
                <Td>
                  <span className="flex flex-wrap gap-1">
                    <SegmentTypeBadge type={s.type} />
                    {s.trackMembership && <Badge tone="green">Tracked</Badge>}
                  </span>
                </Td>
                <Td className="text-right whitespace-nowrap tabular-nums">
                  <span data-testid="segment-member-count">{formatNumber(s.memberCount)}</span>
                  {s.memberCountAt && <span className="block text-xs text-slate-700">counted {formatDateTime(s.memberCountAt)}</span>}
                </Td>
                <Td className="whitespace-nowrap">{formatDateTime(s.updatedAt)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
