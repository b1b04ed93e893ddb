import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { getDelivery, listDeliveries, replayDelivery, type DeliveryStatus } from '../../api/webhooks';
import { Button } from '../../components/ui/button';
import { Dialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { SelectField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { Pager } from '../../components/ui/pager';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { useCursorStack } from '../../lib/use-cursor-stack';
import { useProject } from '../projects/project-context';
import { DeliveryStatusBadge } from './webhook-shared';

const PAGE_SIZE = 20;

export function DeliveryLog({ endpointId }: { endpointId: string }) {
  const { project } = useProject();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const { page, cursor, next, previous } = useCursorStack(status);
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['webhook-deliveries', project.id, endpointId, { status, cursor }],
    queryFn: () => listDeliveries(project.id, endpointId, { status: status || undefined, limit: PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
  });
  return (
    <Card title="Delivery log">
      <div className="mb-4 max-w-xs">
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
          <option value="">All</option>
          <option value="PENDING">Retrying</option>
          <option value="SUCCEEDED">Delivered</option>
          <option value="FAILED">Failed</option>
        </SelectField>
      </div>
      {list.isPending ? (
        <LoadingBlock label="Loading deliveries…" />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load deliveries" onRetry={() => void list.refetch()} />
      ) : list.data.data.length === 0 ? (
        <EmptyState title="No deliveries" description="Deliveries appear here when a subscribed event happens, or when you send a test message." />
      ) : (
        <>
          <Table label="Webhook deliveries">
            <THead>
              <Th>Event</Th>
              <Th>Status</Th>
              <Th>Attempts</Th>
              <Th>Last answer</Th>
              <Th>Duration</Th>
              <Th>Created</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </THead>
            <TBody>
              {list.data.data.map((d) => (
                <tr key={d.id} className="hover:bg-slate-50">
                  <Td className="font-medium break-all">{d.eventType}</Td>
                  <Td>
                    <DeliveryStatusBadge status={d.status} />
                    {d.nextAttemptAt && <span className="block text-xs text-slate-700">Next try {formatDateTime(d.nextAttemptAt)}</span>}
                  </Td>
                  <Td>{d.attempts}</Td>
                  <Td className="max-w-xs break-words">{d.responseStatus ?? d.error ?? '—'}</Td>
                  <Td className="whitespace-nowrap">{d.durationMs === null ? '—' : `${d.durationMs} ms`}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(d.createdAt)}</Td>
                  <Td className="text-right">
                    <Button size="sm" onClick={() => setOpen(d.id)}>
                      Details<span className="sr-only"> of the {d.eventType} delivery</span>
                    </Button>
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pager
            label="Delivery pages"
            hasPrevious={page > 0}
            hasNext={list.data.hasMore}
            onPrevious={previous}
            onNext={() => next(list.data.cursor)}
            status={`Page ${page + 1}`}
            busy={list.isFetching}
          />
        </>
      )}
      <DeliveryDetailDialog endpointId={endpointId} deliveryId={open} onClose={() => setOpen(null)} />
    </Card>
  );
}

function DeliveryDetailDialog({ endpointId, deliveryId, onClose }: { endpointId: string; deliveryId: string | null; onClose: () => void }) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ['webhook-delivery', project.id, endpointId, deliveryId],
    queryFn: () => getDelivery(project.id, endpointId, deliveryId!),
    enabled: !!deliveryId,
  });
  const replay = useMutation({
    mutationFn: () => replayDelivery(project.id, endpointId, deliveryId!),
    onSuccess: (d) => {
      queryClient.setQueryData(['webhook-delivery', project.id, endpointId, deliveryId], d);
      void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', project.id, endpointId] });
    },
  });
  const d = detail.data;
  return (
    <Dialog
      open={!!deliveryId}
      onClose={onClose}
      title="Webhook delivery"
      footer={
        <>
          <Button variant="primary" onClick={() => replay.mutate()} loading={replay.isPending} disabled={!d}>
            Replay
          </Button>
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      {detail.isPending ? (
        <LoadingBlock label="Loading the delivery…" />
      ) : detail.isError ? (
        <ErrorAlert error={detail.error} title="Could not load the delivery" />
      ) : d ? (
        <div className="space-y-3 text-sm">
          {replay.isError && <ErrorAlert error={replay.error} title="Could not replay the delivery" />}
          <p>
            <DeliveryStatusBadge status={d.status} /> <span className="font-medium">{d.eventType}</span> to <span className="break-all">{d.url}</span>
          </p>
          <p className="text-slate-700">
            webhook-id <code>{d.messageId}</code> (the same on every retry and replay)
          </p>
          <h3 className="font-semibold text-slate-900">Payload</h3>
          <pre className="max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs">{JSON.stringify(d.payload, null, 2)}</pre>
          <h3 className="font-semibold text-slate-900">Attempts</h3>
          <ol className="space-y-2">
            {d.attemptLog.map((a) => (
              <li key={`${a.attempt}-${a.startedAt}`} className="rounded border border-slate-200 p-2">
                <p>
                  #{a.attempt} {a.replay ? '(replay) ' : ''}at {formatDateTime(a.startedAt)} — {a.responseStatus ?? 'no answer'} in {a.durationMs} ms
                </p>
                {a.error && <p className="text-red-800">{a.error}</p>}
                {a.responseBody && <pre className="mt-1 max-h-24 overflow-auto text-xs whitespace-pre-wrap">{a.responseBody}</pre>}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </Dialog>
  );
}
