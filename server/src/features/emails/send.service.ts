import type { Db } from '../../db/client.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { assertWithinLimit } from '../billing/billing-meter.service.js';
import { renderDataFor, upsertContact } from '../contacts/contacts.service.js';
import { recordContactUpsertEffects } from '../events/events.service.js';
import { describeSuppression, findSuppression } from '../suppressions/suppressions.service.js';
import type { SendBody } from './emails.schemas.js';
import { insertEmail } from './emails.queries.js';
import { prepareSend, storeSends, type SendAccepted, type SendContext } from './send-store.js';

export interface SendDeps {
  db: Db;
  queue: JobQueue;
}

/**
 * Accepts a send: one contact upsert and one email row per recipient, each with its delivery job,
 * all in one transaction — the response is only a 200 once everything it promises is stored.
 */
export async function acceptSend(deps: SendDeps, ctx: SendContext, body: SendBody): Promise<SendAccepted> {
  const prepared = await prepareSend(deps, ctx, body);
  return deps.db.transaction(async (tx) => (await storeSends(deps, tx, [prepared]))[0]);
}

/** One email whose content the caller prepared (campaign test sends); it takes the same path as acceptSend's. */
export interface PreparedEmail {
  to: string;
  subject: string;
  body: string;
  from: { email: string; name?: string | null };
  replyTo: string | null;
  headers: Record<string, string> | null;
  /** Footer, List-Unsubscribe and the delivery gate's marketing rules. */
  marketing: boolean;
  trackingOverride: boolean | null;
  /** What the activity row says about it. */
  summary: string;
  metadata?: Record<string, unknown>;
}

/**
 * Accepts a prepared email for one recipient, like acceptSend: contact upsert (a new contact starts
 * unsubscribed), the email row with its data snapshot, the delivery job at transactional priority,
 * all in one transaction. A suppressed address gets its row as SUPPRESSED and no job.
 */
export async function acceptPreparedEmail(deps: SendDeps, ctx: ProjectActionContext, input: PreparedEmail) {
  return deps.db.transaction(async (tx) => {
    const result = await upsertContact(tx, { projectId: ctx.projectId, email: input.to, subscribedWhenNew: false });
    await recordContactUpsertEffects(tx, ctx, result);
    const { contact } = result;
    const listed = await findSuppression(tx, ctx.projectId, contact.email);
    const email = await insertEmail(tx, {
      projectId: ctx.projectId,
      contactId: contact.id,
      sourceType: 'TRANSACTIONAL',
      marketing: input.marketing,
      trackingOverride: input.trackingOverride,
      toEmail: contact.email,
      fromEmail: input.from.email,
      fromName: input.from.name ?? null,
      replyTo: input.replyTo,
      subject: input.subject,
      body: input.body,
      headers: input.headers,
      renderData: renderDataFor(contact, {}),
      billableUnits: 1,
      requestId: ctx.requestId ?? null,
      ...(listed ? { status: 'SUPPRESSED' as const, statusReason: describeSuppression(listed) } : {}),
    });
    // Campaign test sends take this path: they are real emails, billed as transactional (their source type).
    if (!listed) await assertWithinLimit(tx, ctx, 'transactional', 1);
    if (!listed) await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, priority: PRIORITY.transactional });
    await recordActivity(tx, {
      projectId: ctx.projectId,
      actor: ctx.actor,
      requestId: ctx.requestId,
      ip: ctx.ip,
      type: listed ? 'email.suppressed' : 'email.queued',
      summary: `${input.summary} ${listed ? 'not sent (suppressed)' : 'queued'} to ${contact.email}`,
      metadata: { emailId: email.id, contactId: contact.id, ...input.metadata },
    });
    return { emailId: email.id, contactId: contact.id, status: email.status, reason: email.statusReason };
  });
}
