import { z } from 'zod';

// The SES event inside an SNS Notification's `Message`: identity notifications carry `notificationType`,
// configuration-set event publishing carries `eventType`; the payloads are the same.

const timestamp = z.string().optional();
const sesEvent = z.object({
  notificationType: z.string().optional(),
  eventType: z.string().optional(),
  mail: z.object({ messageId: z.string().min(1).max(200), timestamp }),
  bounce: z
    .object({
      bounceType: z.string().optional(),
      bounceSubType: z.string().optional(),
      timestamp,
      bouncedRecipients: z.array(z.object({ emailAddress: z.string().optional(), diagnosticCode: z.string().optional(), status: z.string().optional() })).optional(),
    })
    .optional(),
  complaint: z.object({ complaintFeedbackType: z.string().optional(), complaintSubType: z.string().nullish(), timestamp }).optional(),
  delivery: z.object({ timestamp, smtpResponse: z.string().optional() }).optional(),
});

export type SesFeedback =
  | { kind: 'bounce'; providerMessageId: string; hard: boolean; reason: string; at?: Date; sentAt?: Date }
  | { kind: 'complaint'; providerMessageId: string; reason: string; at?: Date; sentAt?: Date }
  | { kind: 'delivery'; providerMessageId: string; at?: Date; sentAt?: Date }
  | { kind: 'ignored'; type: string };

const date = (s?: string) => {
  const d = s ? new Date(s) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

/** What the notification says about which message; null when it is not an SES event we can place. */
export function parseSesEvent(message: string): SesFeedback | null {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return null;
  }
  const parsed = sesEvent.safeParse(json);
  if (!parsed.success) return null;
  const e = parsed.data;
  const type = e.eventType ?? e.notificationType ?? '';
  const base = { providerMessageId: e.mail.messageId, sentAt: date(e.mail.timestamp) };
  if (type === 'Bounce' && e.bounce) {
    const b = e.bounce;
    const first = b.bouncedRecipients?.[0];
    const detail = first?.diagnosticCode ?? first?.status;
    const reason = `SES ${b.bounceType ?? 'Undetermined'} bounce${b.bounceSubType ? ` (${b.bounceSubType})` : ''}${detail ? `: ${detail}` : ''}`;
    // Transient and Undetermined bounces come after SES gave up retrying, but say nothing final about the address.
    return { kind: 'bounce', ...base, hard: b.bounceType === 'Permanent', reason: reason.slice(0, 1000), at: date(b.timestamp) };
  }
  if (type === 'Complaint' && e.complaint) {
    const c = e.complaint;
    const reason = `SES complaint${c.complaintFeedbackType ? ` (${c.complaintFeedbackType})` : ''}`;
    return { kind: 'complaint', ...base, reason, at: date(c.timestamp) };
  }
  if (type === 'Delivery') return { kind: 'delivery', ...base, at: date(e.delivery?.timestamp) };
  return { kind: 'ignored', type: type || 'unknown' };
}
