import type { CampaignStatus } from '../../api/campaigns';
import { Badge, type BadgeTone } from '../../components/ui/badge';

const TONE: Record<CampaignStatus, BadgeTone> = { DRAFT: 'neutral', SCHEDULED: 'blue', SENDING: 'amber', SENT: 'green', CANCELLED: 'red' };
const LABEL: Record<CampaignStatus, string> = { DRAFT: 'Draft', SCHEDULED: 'Scheduled', SENDING: 'Sending', SENT: 'Sent', CANCELLED: 'Cancelled' };

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <span data-testid="campaign-status">
      <Badge tone={TONE[status]}>{LABEL[status]}</Badge>
    </span>
  );
}
