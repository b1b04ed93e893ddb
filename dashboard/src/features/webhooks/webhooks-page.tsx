import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createEndpoint, listEndpoints, type WebhookEndpoint } from '../../api/webhooks';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Dialog } from '../../components/ui/dialog';
import { EmptyState } from '../../components/ui/empty-state';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { PageHeader } from '../../components/ui/page-header';
import { LoadingBlock } from '../../components/ui/spinner';
import { TBody, THead, Table, Td, Th } from '../../components/ui/table';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/use-page-title';
import { useProject } from '../projects/project-context';
import { EndpointPanel } from './endpoint-panel';
import { parseEventTypes, SecretDialog } from './webhook-shared';

export function WebhooksPage() {
  usePageTitle('Webhooks');
  const { project } = useProject();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['webhook-endpoints', project.id], queryFn: () => listEndpoints(project.id) });
  const current = list.data?.find((e) => e.id === selected) ?? null;

  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Webhooks"
        description="Endpoints receive a signed POST (Standard Webhooks) for every event they subscribe to. Failed deliveries are retried for about a day; endpoints that keep failing are disabled."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Add endpoint
          </Button>
        }
      />
      {list.isPending ? (
        <LoadingBlock label="Loading webhook endpoints…" />
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="Could not load webhook endpoints" onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState
          title="No webhook endpoints yet"
          description="Add an endpoint to receive events such as email.delivered or contact.subscribed at your own URL."
          action={<Button variant="primary" onClick={() => setCreating(true)}>Add endpoint</Button>}
        />
      ) : (
        <Table label="Webhook endpoints">
          <THead>
            <Th>URL</Th>
            <Th>Events</Th>
            <Th>Status</Th>
            <Th>Created</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </THead>
          <TBody>
            {list.data.map((e) => (
              <tr key={e.id} className={e.id === selected ? 'bg-slate-50' : 'hover:bg-slate-50'}>
                <Td className="min-w-[14rem] font-medium break-all">
                  {e.url}
                  {e.description && <p className="text-xs font-normal text-slate-700">{e.description}</p>}
                </Td>
                <Td className="max-w-xs break-words">{e.eventTypes.length ? e.eventTypes.join(', ') : 'All events'}</Td>
                <Td>
                  <EndpointStatus endpoint={e} />
                </Td>
                <Td className="whitespace-nowrap">{formatDateTime(e.createdAt)}</Td>
                <Td className="text-right">
                  <Button size="sm" onClick={() => setSelected(e.id === selected ? null : e.id)} aria-expanded={e.id === selected}>
                    {e.id === selected ? 'Close' : 'Manage'}
                    <span className="sr-only"> {e.url}</span>
                  </Button>
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
      {current && <EndpointPanel key={current.id} endpoint={current} onDeleted={() => setSelected(null)} onSecret={setSecret} />}
      <CreateEndpointDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(e) => {
          setCreating(false);
          setSecret(e.secret);
          setSelected(e.id);
          void queryClient.invalidateQueries({ queryKey: ['webhook-endpoints', project.id] });
        }}
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </div>
  );
}

export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (endpoint.enabled) return <Badge tone="green">Enabled</Badge>;
  return (
    <span>
      <Badge tone={endpoint.disabledReason?.startsWith('Disabled automatically') ? 'red' : 'neutral'}>Disabled</Badge>
      {endpoint.disabledReason && <span className="mt-1 block text-xs text-slate-700">{endpoint.disabledReason}</span>}
    </span>
  );
}

function CreateEndpointDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (e: WebhookEndpoint & { secret: string }) => void }) {
  const { project } = useProject();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState('');
  const create = useMutation({
    mutationFn: () => createEndpoint(project.id, { url: url.trim(), description: description.trim() || null, eventTypes: parseEventTypes(events) }),
    onSuccess: (e) => {
      setUrl('');
      setDescription('');
      setEvents('');
      onCreated(e);
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    create.mutate();
  };
  return (
    <Dialog open={open} onClose={onClose} title="Add webhook endpoint">
      <form onSubmit={submit} className="space-y-4">
        {create.isError && <ErrorAlert error={create.error} title="Could not add the endpoint" />}
        <TextField label="Endpoint URL" type="url" required placeholder="https://example.com/webhooks/mailwright" value={url} onChange={(e) => setUrl(e.target.value)} />
        <TextField label="Description (optional)" value={description} onChange={(e) => setDescription(e.target.value)} />
        <TextField
          label="Event types (optional)"
          hint="Comma-separated names or prefixes such as email.* — leave empty to receive every event."
          value={events}
          onChange={(e) => setEvents(e.target.value)}
        />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" loading={create.isPending}>
            Add endpoint
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
