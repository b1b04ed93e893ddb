import type { EmailStatus } from '../../api/types';
import { Badge, type BadgeTone } from '../../components/ui/badge';

const TONE: Record<EmailStatus, BadgeTone> = {
  PENDING: 'amber',
  SENDING: 'blue',
  SENT: 'green',
  DELIVERED: 'green',
  BOUNCED: 'red',
  COMPLAINED: 'red',
  FAILED: 'red',
  SUPPRESSED: 'purple',
};

export function EmailStatusBadge({ status }: { status: EmailStatus | string }) {
  const tone = TONE[status as EmailStatus] ?? 'neutral';
  return <Badge tone={tone}>{status.charAt(0) + status.slice(1).toLowerCase()}</Badge>;
}
