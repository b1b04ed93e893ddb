// Machine-readable parts of delivery reports (RFC 3464 message/delivery-status) and feedback reports
// (RFC 5965 message/feedback-report): header-style fields in blank-line separated groups.

export type Fields = Record<string, string>;

/** Groups of `Name: value` fields (names lowercased, folded lines joined). */
export function parseFieldGroups(text: string): Fields[] {
  const groups: Fields[] = [];
  let current: Fields = {};
  let last: string | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (!line.trim()) {
      if (Object.keys(current).length) groups.push(current);
      current = {};
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && last) {
      current[last] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    current[last] = line.slice(colon + 1).trim();
  }
  if (Object.keys(current).length) groups.push(current);
  return groups;
}

export interface DsnOutcome {
  kind: 'hard' | 'soft' | 'delivered';
  /** Enhanced status code (`5.1.1`), when given. */
  status: string | null;
  recipient: string | null;
  reason: string;
}

/** `rfc822; ann@example.com` → `ann@example.com` (RFC 3464 address-type prefix dropped). */
const typedValue = (v: string | undefined) => (v ? v.replace(/^[a-z0-9-]+\s*;\s*/i, '').trim() : null);

/**
 * The outcome for the (first) recipient of a DSN. Action failed + 5.x.x → hard bounce; failed + 4.x.x
 * or delayed → soft; delivered, relayed or expanded → delivered. Null when no recipient says anything.
 */
export function readDeliveryStatus(text: string): DsnOutcome | null {
  const recipients = parseFieldGroups(text).filter((g) => g.action);
  const pick = (action: string) => recipients.find((g) => g.action.toLowerCase().startsWith(action));
  const group = pick('failed') ?? pick('delayed') ?? pick('delivered') ?? pick('relayed') ?? pick('expanded');
  if (!group) return null;
  const action = group.action.toLowerCase();
  const status = /^\d\.\d{1,3}\.\d{1,3}/.exec(group.status ?? '')?.[0] ?? null;
  const kind = action.startsWith('failed') ? (status?.startsWith('4') ? 'soft' : 'hard') : action.startsWith('delayed') ? 'soft' : 'delivered';
  const diagnostic = typedValue(group['diagnostic-code']);
  const recipient = typedValue(group['final-recipient'] ?? group['original-recipient']);
  const reason = [status, diagnostic ?? `Action: ${group.action}`].filter(Boolean).join(' ');
  return { kind, status, recipient, reason };
}

export interface FeedbackOutcome {
  /** abuse, fraud, virus, other, not-spam (RFC 5965 §7.3). */
  feedbackType: string;
  reason: string;
}

/** The feedback type and a readable reason; null when the report has no Feedback-Type. */
export function readFeedbackReport(text: string): FeedbackOutcome | null {
  const fields = Object.assign({}, ...parseFieldGroups(text)) as Fields;
  const type = fields['feedback-type']?.toLowerCase();
  if (!type) return null;
  const by = fields['user-agent'] ? ` reported by ${fields['user-agent']}` : '';
  return { feedbackType: type, reason: `Feedback-Type: ${type}${by}` };
}

/**
 * The Message-IDs of the original message quoted in a report (text/rfc822-headers or message/rfc822
 * part): every Message-ID header line in the raw report except the report's own.
 */
export function quotedMessageIds(raw: string, ownMessageId: string | undefined): string[] {
  const own = ownMessageId?.trim().toLowerCase();
  const ids = [...raw.matchAll(/^message-id:[ \t]*(<[^>\s]{1,500}>)/gim)].map((m) => m[1]);
  return [...new Set(ids.filter((id) => id.toLowerCase() !== own))];
}
