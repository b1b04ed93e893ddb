import { simpleParser, type ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import type { InboundMessage } from '../../mail/mx-server.js';
import { unsubscribeByToken } from '../hosted-pages/unsubscribe.service.js';
import { applyBounce, applyComplaint, applyDelivery, type EmailRef } from './bounce.service.js';
import { quotedMessageIds, readDeliveryStatus, readFeedbackReport } from './report-parser.js';
import { emailIdFromVerpToken, taggedLocalPart } from './verp.js';

// What our MX listener does with mail sent to it: DSNs (RFC 3464) and ARF complaints (RFC 5965) sent to
// a VERP address `bounces+<token>@…`, and `mailto:` unsubscribes sent to `unsubscribe+<token>@…`.

export interface InboundDeps {
  db: Db;
  masterKey: Buffer;
  log: Logger;
}

/** Only our two kinds of tagged addresses exist here; anything else is refused at RCPT TO. */
export function acceptsRecipient(address: string): boolean {
  const tagged = taggedLocalPart(address);
  return !!tagged && !!tagged.tag && (tagged.prefix === 'bounces' || tagged.prefix === 'unsubscribe');
}

export async function handleInboundMessage(deps: InboundDeps, message: InboundMessage): Promise<void> {
  const bounceTags: string[] = [];
  for (const rcpt of message.recipients) {
    const tagged = taggedLocalPart(rcpt);
    if (tagged?.prefix === 'unsubscribe') {
      const outcome = await unsubscribeByToken(deps.db, deps.masterKey, tagged.tag, 'mailto');
      deps.log.info({ outcome }, 'mailto unsubscribe received');
    } else if (tagged?.prefix === 'bounces') {
      bounceTags.push(tagged.tag);
    }
  }
  if (bounceTags.length) await handleReport(deps, message.raw, bounceTags);
}

async function handleReport(deps: InboundDeps, raw: Buffer, tags: string[]): Promise<void> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  const ref = emailRef(deps, parsed, raw, tags);
  const reportType = reportTypeOf(parsed);
  const part = (type: string) => parsed.attachments.find((a) => a.contentType.toLowerCase() === type)?.content.toString('utf8');

  const feedback = part('message/feedback-report');
  if (reportType === 'feedback-report' || feedback) {
    const report = feedback ? readFeedbackReport(feedback) : null;
    if (!report || report.feedbackType === 'not-spam') return ignore(deps, 'feedback report without a complaint', ref);
    const outcome = ref ? await applyComplaint(deps.db, ref, { source: 'arf', reason: report.reason }) : 'unknown';
    deps.log.info({ kind: 'complaint', outcome, ref }, 'ARF complaint received');
    return;
  }

  const status = part('message/delivery-status') ?? part('message/global-delivery-status');
  if (reportType === 'delivery-status' || status) {
    const dsn = status ? readDeliveryStatus(status) : null;
    if (!dsn) return ignore(deps, 'delivery report without a recipient action', ref);
    if (!ref) return ignore(deps, 'delivery report for an unknown message', ref);
    const outcome =
      dsn.kind === 'delivered'
        ? await applyDelivery(deps.db, ref, parsed.date ?? new Date())
        : await applyBounce(deps.db, ref, { source: 'dsn', reason: dsn.reason, hard: dsn.kind === 'hard' });
    deps.log.info({ kind: dsn.kind, status: dsn.status, outcome, ref }, 'DSN received');
    return;
  }
  ignore(deps, 'neither a delivery report nor a feedback report', ref);
}

/** The VERP token first (it is signed); else the original Message-ID quoted in the report. */
function emailRef(deps: InboundDeps, parsed: ParsedMail, raw: Buffer, tags: string[]): EmailRef | null {
  for (const tag of tags) {
    const emailId = emailIdFromVerpToken(deps.masterKey, tag);
    if (emailId) return { emailId };
  }
  const [messageId] = quotedMessageIds(raw.toString('latin1'), parsed.messageId);
  return messageId ? { messageId } : null;
}

function reportTypeOf(parsed: ParsedMail): string | null {
  const header = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (header?.value?.toLowerCase() !== 'multipart/report') return null;
  return header.params?.['report-type']?.toLowerCase() ?? null;
}

function ignore(deps: InboundDeps, why: string, ref: EmailRef | null): void {
  deps.log.info({ ref }, `inbound message ignored: ${why}`);
}
