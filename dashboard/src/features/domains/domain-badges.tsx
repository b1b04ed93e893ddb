import type { DnsRecord, DnsRecordStatus, DomainStatus } from '../../api/types';
import { Badge, type BadgeTone } from '../../components/ui/badge';

const DOMAIN: Record<DomainStatus, { tone: BadgeTone; label: string }> = {
  VERIFIED: { tone: 'green', label: 'Verified' },
  PENDING: { tone: 'amber', label: 'Pending' },
  FAILED: { tone: 'red', label: 'Failed' },
};

export function DomainStatusBadge({ status }: { status: DomainStatus }) {
  const s = DOMAIN[status] ?? { tone: 'neutral', label: status };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

const RECORD: Record<DnsRecordStatus, { tone: BadgeTone; label: string }> = {
  VERIFIED: { tone: 'green', label: 'Found' },
  PENDING: { tone: 'neutral', label: 'Not checked' },
  MISSING: { tone: 'red', label: 'Missing' },
  MISMATCH: { tone: 'red', label: 'Does not match' },
};

/** A record's state; a recommended (not required) record that is absent is a warning, not an error. */
export function RecordStatusBadge({ record }: { record: Pick<DnsRecord, 'status' | 'required'> }) {
  const s = RECORD[record.status] ?? { tone: 'neutral', label: record.status };
  const tone = !record.required && s.tone === 'red' ? 'amber' : s.tone;
  return <Badge tone={tone}>{s.label}</Badge>;
}

export const RECORD_LABELS: Record<DnsRecord['kind'], { name: string; purpose: string }> = {
  DKIM: { name: 'DKIM', purpose: 'The public key receivers use to check the DKIM signature of your mail.' },
  SPF: { name: 'SPF', purpose: 'Authorizes Mailwright’s servers to send mail for the domain.' },
  RETURN_PATH_MX: { name: 'Return-path MX', purpose: 'Routes bounces back to Mailwright, so bounced addresses are suppressed automatically.' },
  RETURN_PATH_SPF: { name: 'Return-path SPF', purpose: 'SPF for the bounce address, so SPF aligns on the envelope sender.' },
  DMARC: { name: 'DMARC', purpose: 'Tells receivers what to do with mail that fails DKIM and SPF. Recommended; Gmail and Yahoo expect one for bulk mail.' },
};
