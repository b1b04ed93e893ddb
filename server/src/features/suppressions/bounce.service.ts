import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { EmailRow } from '../../db/schema/index.js';
import { recordActivity } from '../activity/activity.service.js';
import { recordEvents } from '../events/events.service.js';
import * as q from './feedback.queries.js';
import { suppressAddress } from './suppressions.service.js';

/**
 * Feedback about sent mail, from any source (SMTP reply at handoff, DSN or ARF by mail, SES via SNS).
 * Status only moves forward (DECISIONS §4): SENT < DELIVERED < BOUNCED < COMPLAINED; a bounce or
 * complaint never becomes "delivered" again. Every function is idempotent: the same notification
 * twice answers 'duplicate' the second time and records no second event.
 */
export interface FeedbackSource {
  /** smtp | dsn | arf | sns */
  source: string;
  reason: string;
  at?: Date;
}

/** Finds the email by our id, our Message-ID or the provider's message id. */
export type EmailRef = { emailId: string } | { messageId: string } | { providerMessageId: string };

export type FeedbackOutcome = 'applied' | 'duplicate' | 'unknown';

/** The email a notification is about; `<…>` around a Message-ID is optional. */
export async function findEmailByRef(db: Executor, ref: EmailRef): Promise<EmailRow | undefined> {
  if ('emailId' in ref) return isUuid(ref.emailId) ? q.findEmailById(db, ref.emailId) : undefined;
  if ('messageId' in ref) {
    const bare = ref.messageId.trim().replace(/^<|>$/g, '');
    return bare ? q.findEmailByMessageIds(db, [`<${bare}>`, bare]) : undefined;
  }
  return ref.providerMessageId ? q.findEmailByProviderMessageId(db, ref.providerMessageId) : undefined;
}

const clip = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 900);

export async function applyBounce(db: Db, ref: EmailRef, bounce: FeedbackSource & { hard: boolean }): Promise<FeedbackOutcome> {
  const email = await findEmailByRef(db, ref);
  if (!email) return 'unknown';
  const reason = clip(bounce.reason);
  return db.transaction(async (tx) => {
    if (bounce.hard) {
      const row = await q.markHardBounce(tx, email.id, bounce.at ?? new Date(), `Hard bounce (${bounce.source}): ${reason}`);
      if (!row) return 'duplicate';
      await recordBounceEffects(tx, row, { hard: true, reason, source: bounce.source });
      return 'applied';
    }
    // A temporary failure after acceptance: the email keeps its status; the reason and an event say why.
    const row = await q.markSoftBounce(tx, email.id, `Soft bounce (${bounce.source}): ${reason}`);
    if (!row) return 'duplicate';
    await recordBounceEffects(tx, row, { hard: false, reason, source: bounce.source });
    return 'applied';
  });
}

export async function applyComplaint(db: Db, ref: EmailRef, complaint: FeedbackSource): Promise<FeedbackOutcome> {
  const email = await findEmailByRef(db, ref);
  if (!email) return 'unknown';
  const reason = clip(complaint.reason);
  return db.transaction(async (tx) => {
    const row = await q.markComplaint(tx, email.id, complaint.at ?? new Date(), `Complaint (${complaint.source}): ${reason}`);
    if (!row) return 'duplicate';
    await suppressFor(tx, row, { reason: 'COMPLAINT', source: complaint.source, details: reason });
    await recordEvents(tx, [
      {
        projectId: row.projectId,
        contactId: row.contactId,
        emailId: row.id,
        name: 'email.complained',
        data: { emailId: row.id, messageId: row.messageId, reason, source: complaint.source },
      },
    ]);
    return 'applied';
  });
}

export async function applyDelivery(db: Db, ref: EmailRef, at: Date): Promise<FeedbackOutcome> {
  const email = await findEmailByRef(db, ref);
  if (!email) return 'unknown';
  return db.transaction(async (tx) => {
    const row = await q.markDelivered(tx, email.id, at, `Delivered to the recipient's server at ${at.toISOString()}`);
    if (!row) return 'duplicate';
    await recordEvents(tx, [
      {
        projectId: row.projectId,
        contactId: row.contactId,
        emailId: row.id,
        name: 'email.delivered',
        data: { emailId: row.id, messageId: row.messageId, deliveredAt: at.toISOString() },
      },
    ]);
    return 'applied';
  });
}

/**
 * What follows a bounce, in the caller's transaction: a hard bounce suppresses the address at once;
 * both kinds record an `email.bounced` event.
 */
export async function recordBounceEffects(tx: Executor, email: EmailRow, bounce: { hard: boolean; reason: string; source: string }): Promise<void> {
  const reason = clip(bounce.reason);
  if (bounce.hard) await suppressFor(tx, email, { reason: 'HARD_BOUNCE', source: bounce.source, details: reason });
  await recordEvents(tx, [
    {
      projectId: email.projectId,
      contactId: email.contactId,
      emailId: email.id,
      name: 'email.bounced',
      data: { emailId: email.id, messageId: email.messageId, bounceType: bounce.hard ? 'HARD' : 'SOFT', reason, source: bounce.source },
    },
  ]);
}

async function suppressFor(tx: Executor, email: EmailRow, s: { reason: 'HARD_BOUNCE' | 'COMPLAINT'; source: string; details: string }) {
  const added = await suppressAddress(tx, { projectId: email.projectId, email: email.toEmail, reason: s.reason, source: s.source, emailId: email.id, details: s.details });
  if (!added) return;
  await recordActivity(tx, {
    projectId: email.projectId,
    actor: { type: 'system' },
    type: 'suppression.added',
    summary: `${added.email} added to the suppression list after ${s.reason === 'COMPLAINT' ? 'a spam complaint' : 'a hard bounce'} (${s.source})`,
    metadata: { suppressionId: added.id, email: added.email, reason: added.reason, emailId: email.id },
  });
}
