import type { DeliveryStatus } from '../../api/webhooks';
import { CopyButton } from '../../components/ui/copy-button';
import { Dialog } from '../../components/ui/dialog';
import { Badge, type BadgeTone } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';

const TONE: Record<DeliveryStatus, BadgeTone> = { PENDING: 'amber', SUCCEEDED: 'green', FAILED: 'red' };
const LABEL: Record<DeliveryStatus, string> = { PENDING: 'Retrying', SUCCEEDED: 'Delivered', FAILED: 'Failed' };

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return <Badge tone={TONE[status]}>{LABEL[status]}</Badge>;
}

/** "email.*, contact.subscribed" → ['email.*', 'contact.subscribed']. */
export function parseEventTypes(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The signing secret, shown once after create or rotate. */
export function SecretDialog({ secret, onClose, rotated }: { secret: string | null; onClose: () => void; rotated?: boolean }) {
  return (
    <Dialog
      open={!!secret}
      onClose={onClose}
      title={rotated ? 'New signing secret' : 'Endpoint created'}
      description="Copy the signing secret now: it is shown only once. Verify the webhook-signature header of every request with it (Standard Webhooks)."
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored the secret
        </Button>
      }
    >
      {secret && (
        <div className="flex items-center gap-2">
          <code className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1 text-sm break-all text-slate-900">{secret}</code>
          <CopyButton value={secret} label="Copy signing secret" />
        </div>
      )}
    </Dialog>
  );
}
