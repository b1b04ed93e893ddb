import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { deleteEndpoint, rotateEndpointSecret, sendTestWebhook, updateEndpoint, type WebhookEndpoint } from '../../api/webhooks';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/dialog';
import { ErrorAlert } from '../../components/ui/error-alert';
import { TextField } from '../../components/ui/input';
import { Card } from '../../components/ui/page-header';
import { Switch } from '../../components/ui/switch';
import { useToast } from '../../components/ui/toast';
import { formatDateTime } from '../../lib/format';
import { useProject } from '../projects/project-context';
import { DeliveryLog } from './delivery-log';
import { parseEventTypes } from './webhook-shared';

/** Settings, secret rotation, test message, deletion and the delivery log of one endpoint. */
export function EndpointPanel({ endpoint, onDeleted, onSecret }: { endpoint: WebhookEndpoint; onDeleted: () => void; onSecret: (s: string) => void }) {
  const { project } = useProject();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? '');
  const [events, setEvents] = useState(endpoint.eventTypes.join(', '));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['webhook-endpoints', project.id] });
  const refreshLog = () => void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', project.id, endpoint.id] });

  const save = useMutation({
    mutationFn: (body: Parameters<typeof updateEndpoint>[2]) => updateEndpoint(project.id, endpoint.id, body),
    onSuccess: () => {
      toast.show('Endpoint saved.');
      refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: () => rotateEndpointSecret(project.id, endpoint.id, 24),
    onSuccess: (e) => {
      setConfirmRotate(false);
      onSecret(e.secret);
      refresh();
    },
  });
  const test = useMutation({
    mutationFn: () => sendTestWebhook(project.id, endpoint.id),
    onSuccess: (d) => {
      toast.show(d.status === 'SUCCEEDED' ? 'Test message delivered.' : `Test message failed: ${d.error ?? 'no 2xx answer'}. It will be retried.`);
      refreshLog();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteEndpoint(project.id, endpoint.id),
    onSuccess: () => {
      setConfirmDelete(false);
      toast.show('Endpoint deleted.');
      onDeleted();
      refresh();
    },
  });

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate({ url: url.trim(), description: description.trim() || null, eventTypes: parseEventTypes(events) });
  };

  return (
    <div className="mt-6 space-y-6">
      <Card
        title={`Endpoint ${endpoint.url}`}
        actions={
          <>
            <Button size="sm" onClick={() => test.mutate()} loading={test.isPending}>
              Send test message
            </Button>
            <Button size="sm" onClick={() => setConfirmRotate(true)}>
              Rotate secret
            </Button>
            <Button size="sm" variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          </>
        }
      >
        <form onSubmit={submit} className="space-y-4">
          {save.isError && <ErrorAlert error={save.error} title="Could not save the endpoint" />}
          {test.isError && <ErrorAlert error={test.error} title="Could not send a test message" />}
          <Switch
            label="Enabled"
            checked={endpoint.enabled}
            disabled={save.isPending}
            onChange={(enabled) => save.mutate({ enabled })}
            hint={endpoint.enabled ? undefined : (endpoint.disabledReason ?? undefined)}
          />
          <TextField label="Endpoint URL" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
          <TextField
            label="Event types"
            hint="Comma-separated names or prefixes such as email.* — empty means every event."
            value={events}
            onChange={(e) => setEvents(e.target.value)}
          />
          {endpoint.previousSecretExpiresAt && (
            <p className="text-sm text-slate-700">The previous secret also signs until {formatDateTime(endpoint.previousSecretExpiresAt)}.</p>
          )}
          <Button variant="primary" type="submit" loading={save.isPending}>
            Save changes
          </Button>
        </form>
      </Card>
      <DeliveryLog endpointId={endpoint.id} />
      <ConfirmDialog
        open={confirmRotate}
        onClose={() => setConfirmRotate(false)}
        onConfirm={() => rotate.mutate()}
        busy={rotate.isPending}
        danger={false}
        title="Rotate the signing secret?"
        description="A new secret signs every message from now on. The current secret keeps signing too (a second signature) for 24 hours, so you can update your receiver without missing messages."
        confirmLabel="Rotate secret"
      />
      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate()}
        busy={remove.isPending}
        title="Delete this endpoint?"
        description={`${endpoint.url} stops receiving events and its delivery log is deleted. This cannot be undone.`}
        confirmLabel="Delete endpoint"
      />
    </div>
  );
}
