import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { listActivity, listActivityTypes, type ActivityFilters } from '../../api/activity';
import type { ActivityItem } from '../../api/types';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField, TextField } from '../../components/ui/input';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime, localInputToIso } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { TimeRangeFields, type TimeRange } from './time-range-fields';

const PAGE_SIZE = 50;
const ACTOR_TYPES = [
  { value: 'user', label: 'Dashboard user' },
  { value: 'secret_key', label: 'Secret key' },
  { value: 'public_key', label: 'Public key' },
  { value: 'cli', label: 'CLI' },
  { value: 'system', label: 'System' },
];

export function actorLabel(actor: ActivityItem['actor']): string {
  const kind = ACTOR_TYPES.find((a) => a.value === actor.type)?.label ?? actor.type;
  return actor.email ? `${kind}: ${actor.email}` : kind;
}

export function ActivityFeed({ projectId }: { projectId: string }) {
  const [type, setType] = useState('');
  const [actorType, setActorType] = useState('');
  const [range, setRange] = useState<TimeRange>({ from: '', to: '' });
  const [requestInput, setRequestInput] = useState('');
  const [requestId, setRequestId] = useState('');
  useEffect(() => {
    const t = window.setTimeout(() => setRequestId(requestInput.trim()), 300);
    return () => window.clearTimeout(t);
  }, [requestInput]);

  const filters: ActivityFilters = {
    type: type || undefined,
    actorType: actorType || undefined,
    from: localInputToIso(range.from),
    to: localInputToIso(range.to),
    requestId: requestId || undefined,
  };
  const filterKey = JSON.stringify(filters);
  const { page, cursor, next, previous } = useCursorStack(filterKey);
  const types = useQuery({ queryKey: ['activity-types', projectId], queryFn: () => listActivityTypes(projectId), staleTime: 60_000 });
  const feed = useQuery({
    queryKey: ['activity', projectId, filterKey, cursor],
    queryFn: () => listActivity(projectId, { ...filters, limit: PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
  });
  const filtered = filterKey !== '{}';
  const clear = () => {
    setType('');
    setActorType('');
    setRange({ from: '', to: '' });
    setRequestInput('');
  };

  return (
    <div>
      <div role="search" aria-label="Filter activity" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value)} hint={types.isError ? 'Could not load the list of types.' : undefined}>
          <option value="">All types</option>
          {(types.data?.types ?? []).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </SelectField>
        <SelectField label="Actor" value={actorType} onChange={(e) => setActorType(e.target.value)}>
          <option value="">Anyone</option>
          {ACTOR_TYPES.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </SelectField>
        <TimeRangeFields value={range} onChange={setRange} />
        <TextField label="Request ID" value={requestInput} onChange={(e) => setRequestInput(e.target.value)} placeholder="e.g. 45d970b4-770d-…" spellCheck={false} />
      </div>
      {feed.isPending ? (
        <LoadingBlock label="Loading activity…" />
      ) : feed.isError ? (
        <ErrorAlert error={feed.error} title="Could not load activity" onRetry={() => void feed.refetch()} />
      ) : feed.data.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No activity matches these filters" action={<Button onClick={clear}>Clear filters</Button>} />
        ) : (
          <EmptyState title="No activity yet" description="Changes to contacts, templates, keys and members, and every email sent, are recorded here." />
        )
      ) : (
        <>
          <Table label="Activity">
            <THead>
              <Th>Time</Th>
              <Th>Type</Th>
              <Th>Actor</Th>
              <Th>Summary</Th>
              <Th>Request ID</Th>
            </THead>
            <TBody>
              {feed.data.data.map((a) => (
                <tr key={a.id}>
                  <Td className="whitespace-nowrap">{formatDateTime(a.createdAt)}</Td>
                  <Td>
                    <Badge tone="blue">{a.type}</Badge>
                  </Td>
                  <Td className="min-w-[9rem] text-xs break-words">{actorLabel(a.actor)}</Td>
                  <Td className="min-w-[16rem]">{a.summary}</Td>
                  <Td>
                    {a.requestId ? (
                      <div className="flex items-center gap-2">
                        <button
                          type="button"
                          className="font-mono text-xs whitespace-nowrap text-blue-800 hover:underline"
                          title="Show only this request's activity"
                          onClick={() => setRequestInput(a.requestId ?? '')}
                        >
                          {a.requestId}
                        </button>
                        <CopyButton value={a.requestId} label={`Copy request ID ${a.requestId}`} />
                      </div>
                    ) : (
                      '—'
                    )}
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Activity pages"
            status={`Page ${page + 1}`}
            busy={feed.isFetching}
            hasPrevious={page > 0}
            hasNext={feed.data.hasMore && feed.data.cursor !== null}
            onPrevious={previous}
            onNext={() => next(feed.data.cursor)}
          />
        </>
      )}
    </div>
  );
}
