import type { SuppressionReason } from '../../api/types';
import { Badge, type BadgeTone } from '../../components/ui/badge';

export const REASONS: Record<SuppressionReason, { tone: BadgeTone; label: string; description: string }> = {
  HARD_BOUNCE: { tone: 'red', label: 'Hard bounce', description: 'The receiving server said the address does not exist or never accepts mail.' },
  COMPLAINT: { tone: 'amber', label: 'Complaint', description: 'The recipient marked one of your emails as spam.' },
  UNSUBSCRIBE: { tone: 'blue', label: 'Unsubscribe', description: 'The recipient asked not to receive mail from this project.' },
  MANUAL: { tone: 'neutral', label: 'Manual', description: 'Added by hand, through the dashboard, the API or a CSV import.' },
};

export function SuppressionReasonBadge({ reason }: { reason: SuppressionReason | string }) {
  const r = REASONS[reason as SuppressionReason];
  return <Badge tone={r?.tone ?? 'neutral'}>{r?.label ?? reason}</Badge>;
}

const SOURCES: Record<string, string> = {
  api: 'API',
  dashboard: 'Dashboard',
  import: 'CSV import',
  smtp: 'SMTP response',
  dsn: 'Bounce report',
  arf: 'Complaint report',
  sns: 'Amazon SES',
};

export const sourceLabel = (source: string) => SOURCES[source] ?? source;

/** Why removing an address may be a bad idea, by the reason it is listed. */
export const REMOVAL_WARNINGS: Record<SuppressionReason, string> = {
  HARD_BOUNCE: 'This address bounced permanently. Mail to it will most likely bounce again, and repeated bounces hurt your sender reputation.',
  COMPLAINT: 'This person reported your mail as spam. Only remove the address if they asked to receive your mail again.',
  UNSUBSCRIBE: 'This person unsubscribed. Only remove the address if they asked to receive your mail again.',
  MANUAL: 'Mail to this address will be delivered again.',
};
