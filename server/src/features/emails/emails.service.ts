import { isUuid } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { Db, Executor } from '../../db/client.js';
import type { EmailRow, EmailStatus } from '../../db/schema/index.js';
import { renderEmailContent } from './email-content.js';
import type { OutgoingMessage } from '../../mail/transport.js';
import * as q from './emails.queries.js';

export interface EmailReadDeps {
  db: Db;
  /** Signs list cursors. */
  masterKey: Buffer;
  config: { publicUrl: string };
}

const CURSOR_SCOPE = 'emails-cursor';

/** GET /emails: newest first, keyset-paged on (created_at, id); filters by status and contact. */
export async function listEmails(
  deps: Omit<EmailReadDeps, 'config'>,
  projectId: string,
  input: { limit: number; cursor?: string; status?: EmailStatus; contactId?: string },
) {
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, input.cursor) : undefined;
  const rows = await q.listEmailRows(deps.db, { projectId, status: input.status, contactId: input.contactId }, input.limit, after);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ sortKey, sentAt, ...e }) => ({ ...e, createdAt: new Date(sortKey).toISOString(), sentAt: sentAt?.toISOString() ?? null })),
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
  };
}

/** The body as delivered (see email-content.ts); null when the template no longer renders. */
async function renderedContent(publicUrl: string, masterKey: Buffer, email: EmailRow): Promise<{ html: string | null; text: string | null }> {
  try {
    const { html, text } = await renderEmailContent(publicUrl, masterKey, email);
    return { html, text };
  } catch {
    return { html: null, text: null };
  }
}


export async function getEmail(deps: Pick<EmailReadDeps, 'db' | 'config' | 'masterKey'>, projectId: string, id: string) {
  const email = isUuid(id) ? await q.findEmail(deps.db, projectId, id) : undefined;
  if (!email) throw notFound('EMAIL_NOT_FOUND', 'Email', id);
  return {
    id: email.id,
    status: email.status,
    reason: email.statusReason,
    sourceType: email.sourceType,
    contact: { id: email.contactId, email: email.toEmail },
    to: email.toEmail,
    from: email.fromEmail,
    fromName: email.fromName,
    subject: email.subject,
    messageId: email.messageId,
    attempts: email.attempts,
    createdAt: email.createdAt,
    sentAt: email.sentAt,
    failedAt: email.failedAt,
    deliveredAt: email.deliveredAt,
    bouncedAt: email.bouncedAt,
    bounceType: email.bounceType,
    complainedAt: email.complainedAt,
    marketing: email.marketing,
    updatedAt: email.updatedAt,
    // Totals include machine hits (privacy proxies, scanners, prefetch); first timestamps are human only.
    opens: email.opens,
    humanOpens: email.humanOpens,
    clicks: email.clicks,
    humanClicks: email.humanClicks,
    openedAt: email.openedAt,
    clickedAt: email.clickedAt,
    ...(await renderedContent(deps.config.publicUrl, deps.masterKey, email)),
  };
}

/** The `inbox` transport's store: the Dev Inbox keeps the exact bytes that would have been sent. */
export function storeInInbox(db: Db) {
  return (m: OutgoingMessage) =>
    q.insertInboxMessage(db, {
      projectId: m.projectId,
      emailId: m.emailId,
      messageId: m.messageId,
      envelopeFrom: m.envelope.from,
      envelopeTo: m.envelope.to.join(', '),
      subject: m.subject,
      raw: m.raw.toString('utf8'),
    });
}

export async function listInbox(db: Db, projectId: string, limit: number) {
  return q.listInboxMessages(db, projectId, limit);
}

export async function getInboxMessage(db: Db, projectId: string, id: string) {
  const row = isUuid(id) ? await q.findInboxMessage(db, projectId, id) : undefined;
  if (!row) throw notFound('RESOURCE_NOT_FOUND', 'Inbox message', id);
  return row;
}

/** Whether a sending domain is still needed: emails from it (or a subdomain) are waiting to be delivered. */
export async function countQueuedEmailsFromDomain(db: Executor, projectId: string, domain: string): Promise<number> {
  return q.countQueuedEmailsFromDomain(db, projectId, domain);
}

/** True when `emailId` is an email of this project sent to this contact (attributing unsubscribes). */
export async function isEmailOfContact(db: Db, projectId: string, emailId: string, contactId: string): Promise<boolean> {
  if (!isUuid(emailId)) return false;
  const email = await q.findEmail(db, projectId, emailId);
  return email?.contactId === contactId;
}
