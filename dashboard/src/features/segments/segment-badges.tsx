import type { SegmentType } from '../../api/types';
import { Badge, type BadgeTone } from '../../components/ui/badge';

export const SEGMENT_TYPES_INFO: Record<SegmentType, { tone: BadgeTone; label: string; description: string }> = {
  DYNAMIC: {
    tone: 'blue',
    label: 'Dynamic',
    description: 'Contacts that match filters (data fields, events, email activity). Membership follows your contacts as they change.',
  },
  STATIC: {
    tone: 'purple',
    label: 'Static',
    description: 'A fixed list: contacts you add by email address (or through the API) stay until you remove them.',
  },
};

export function SegmentTypeBadge({ type }: { type: SegmentType | string }) {
  const t = SEGMENT_TYPES_INFO[type as SegmentType];
  return <Badge tone={t?.tone ?? 'neutral'}>{t?.label ?? type}</Badge>;
}
