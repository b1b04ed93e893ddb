import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listApiRequests, type RequestFilters } from '../../api/activity';
import { Badge } from '../../components/ui/badge';
import { CopyButton } from '../../components/ui/copy-button';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField } from '../../components/ui/input';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime, localInputToIso } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { TimeRangeFields, type TimeRange } from './time-range-fields';

const PAGE_SIZE = 50;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function statusTone(status: number) {
  if (status >= 500) return 'red' as const;
  if (status >= 400) return 'amber' as const;
  return 'green' as const;
}

export function ApiRequestsTable({ projectId }: { projectId: string }) {
  const [status, setStatus] = useState('');
  const [method, setMethod] = useState('');
  const [range, setRange] = useState<TimeRange>({ from: '', to: '' });
  const filters: RequestFilters = { status: status || undefined, method: method || undefined, from: localInputToIso(range.from), to: localInputToIso(range.to) };
  const filterKey = JSON.stringify(filters);
  const { page, cursor, next, previous } = useCursorStack(filterKey);
  const requests = useQuery({
    queryKey: ['api-requests', projectId, filterKey, cursor],
    queryFn: () => listApiRequests(projectId, { ...filters, limit: PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
  });

  return (
    <div>
      <div role="search" aria-label="Filter API requests" className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="2xx">2xx success</option>
          <option value="4xx">4xx client error</option>
          <option value="5xx">5xx server error</option>
        </SelectField>
        <SelectField label="Method" value={method} onChange={(e) => setMethod(e.target.value)}>
          <option value="">Any method</option>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </SelectField>
        <TimeRangeFields value={range} onChange={setRange} />
      </div>
      {requests.isPending ? (
        <LoadingBlock label="Loading API requests…" />
      ) : requests.isError ? (
        <ErrorAlert error={requests.error} title="Could not load API requests" onRetry={() => void requests.refetch()} />
      ) : requests.data.data.length === 0 ? (
        <EmptyState
          title={filterKey === '{}' ? 'No API requests yet' : 'No requests match these filters'}
          description="Requests made with this project's keys or from the dashboard are kept for 30 days."
        />
      ) : (
        <>
          <Table label="API requests">
            <THead>
              <Th>Time</Th>
              <Th>Method</Th>
              <Th>Path</Th>
              <Th>Status</Th>
              <Th>Duration</Th>
              <Th>Auth</Th>
              <Th>IP</Th>
              <Th>Request ID</Th>
            </THead>
            <TBody>
              {requests.data.data.map((r) => (
                <tr key={r.id}>
                  <Td className="whitespace-nowrap">{formatDateTime(r.createdAt)}</Td>
                  <Td className="font-mono text-xs">{r.method}</Td>
                  <Td className="min-w-[12rem] font-mono text-xs break-all">{r.path}</Td>
                  <Td>
                    <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                    {r.errorCode && <span className="mt-1 block font-mono text-xs text-slate-800">{r.errorCode}</span>}
                  </Td>
                  <Td className="whitespace-nowrap">{r.durationMs} ms</Td>
                  <Td className="text-xs">{r.authType ?? '—'}</Td>
                  <Td className="font-mono text-xs">{r.ip ?? '—'}</Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <code className="font-mono text-xs whitespace-nowrap">{r.requestId}</code>
                      <CopyButton value={r.requestId} label={`Copy request ID ${r.requestId}`} />
                    </div>
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="API request pages"
            status={`Page ${page + 1}`}
            busy={requests.isFetching}
            hasPrevious={page > 0}
            hasNext={requests.data.hasMore && requests.data.cursor !== null}
            onPrevious={previous}
            onNext={() => next(requests.data.cursor)}
          />
        </>
      )}
    </div>
  );
}
