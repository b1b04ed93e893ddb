import { isUuid } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { OutgoingMessage } from '../../mail/transport.js';
import * as q from './emails.queries.js';


export async function getEmail(db: Db, projectId: string, id: string) {
  const email = isUuid(id) ? await q.findEmail(db, projectId, id) : undefined;
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
    updatedAt: email.updatedAt,
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
