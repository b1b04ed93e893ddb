import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { EmailRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { RenderError } from '../../mail/render.js';
import { TransportError, type Transport } from '../../mail/transport.js';
import { recordEvents } from '../events/events.service.js';
import { AppError } from '../../core/errors.js';
import { campaignHoldReason, finalizeCampaignIfDone } from '../campaigns/campaign-fanout.service.js';
import { rateClassOf, takeSendToken, type ReleaseToken } from '../campaigns/send-rate.js';
import { recordHardBounce } from '../suppressions/delivery-gate.js';
import { deliveryLookups, type DeliveryLookups } from './delivery-lookups.js';
import { buildOutgoingMessage, type BuiltMessage } from './message-pipeline.js';
import { claimEmailsForSending, listSendingEmailIds, settleEmail, settleSentEmails, type SentOutcome } from './emails.queries.js';
import { assertSenderCovered } from './sender-policy.js';

export interface DeliveryDeps {
  db: Db;
  queue: JobQueue;
  transport: Transport;
  log: Logger;
  /** ratePerSecond: SEND_RATE_PER_SECOND, the global transport rate (0 or absent = unlimited). */
  send: { maxAttempts: number; retryDelaySeconds: number; ratePerSecond?: number };
  masterKey: Buffer;
  config: Pick<Config, 'publicUrl'> & Partial<Config>;
}

const retryPriority = { TRANSACTIONAL: PRIORITY.transactional, WORKFLOW: PRIORITY.workflow, CAMPAIGN: PRIORITY.campaign } as const;

/** A SENDING row older than this is taken to belong to a dead worker (job expiry is 120 s). */
const STALE_SENDING_SECONDS = 150;

/** An email is SENDING under a lease that has not run out yet; the job must be retried later. */
export class EmailLeasedError extends Error {}

/**
 * Worker entry point for a batch of `email.send` jobs (one email each). Safe to run twice for the same
 * emails. The batch is claimed in one statement, shares its reads (delivery-lookups.ts), and the
 * emails the transport accepted are settled SENT together in one transaction.
 */
export async function deliverEmails(deps: DeliveryDeps, emailIds: string[]): Promise<void> {
  const ids = [...new Set(emailIds)];
  const claimed = await claimEmailsForSending(deps.db, ids, STALE_SENDING_SECONDS);
  const claimedIds = new Set(claimed.map((e) => e.id));
  // Not claimed: already settled (nothing to do), or still SENDING — a live worker has it, or the
  // worker died and pg-boss expired the job (120 s) before the lease (150 s) ran out. Returning would
  // drop the latter for good, so the job fails and pg-boss retries it once the lease is stale.
  const leased = await listSendingEmailIds(deps.db, ids.filter((id) => !claimedIds.has(id)));

  const lookups = deliveryLookups(deps.db, claimed);
  const outcomes = await Promise.allSettled(claimed.map((email) => deliverClaimed(deps, lookups, email)));
  const accepted = outcomes.flatMap((o, i) => (o.status === 'fulfilled' && o.value ? [{ email: claimed[i], outcome: o.value }] : []));
  await markSent(deps, accepted);
  // The last campaign email to settle marks its campaign SENT (one read while others are in flight).
  for (const campaignId of new Set(claimed.map((e) => e.campaignId).filter((id): id is string => !!id))) {
    await finalizeCampaignIfDone(deps.db, campaignId);
  }
  // Only infrastructure errors (database down) get here; every email settled its own outcome before.
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  if (leased.length) throw new EmailLeasedError(`${leased.length} email(s) leased by another delivery; retrying after the lease expires`);
}

/** One claimed email up to the transport: what to record as SENT, or null when it settled otherwise. */
async function deliverClaimed(deps: DeliveryDeps, lookups: DeliveryLookups, email: EmailRow): Promise<SentOutcome | null> {
  // Campaign mail only goes out while its campaign is SENDING (a cancelled one ends "Campaign cancelled").
  const held = email.campaignId ? await lookups.campaignHold(email.campaignId) : null;
  if (held) return settleOtherwise(deps, email, 'FAILED', held);

  const project = await lookups.project(email.projectId);
  if (!project) return null; // deleted with its emails
  const blocked = await lookups.suppression(email, project);
  if (blocked) return settleOtherwise(deps, email, 'SUPPRESSED', blocked);
  // A database error here is infrastructure (the job retries); only building the message can fail it.
  const domain = await lookups.sendingDomain(email);
  let built: BuiltMessage;
  try {
    assertSenderCovered(deps, project, email.fromEmail, domain);
    built = await buildOutgoingMessage(deps, project, email, domain);
  } catch (err) {
    const reason = err instanceof RenderError ? err.message : err instanceof AppError ? err.message : `Could not build message: ${(err as Error).message}`;
    return settleOtherwise(deps, email, 'FAILED', reason);
  }

  let release: ReleaseToken | undefined;
  try {
    // Global transport rate, shared by all workers; a database failure here is a temporary failure.
    release = await takeSendToken(deps.db, deps.send.ratePerSecond, rateClassOf(email.sourceType), deps.config.mail?.smtpPoolSize);
    // A campaign cancelled while this email waited for its token: it must not go out now.
    const late = email.campaignId && deps.send.ratePerSecond ? await campaignHoldReason(deps.db, email.campaignId) : null;
    if (late) return settleOtherwise(deps, email, 'FAILED', late);
    const result = await deps.transport.send({
      emailId: email.id,
      projectId: email.projectId,
      messageId: email.messageId!,
      subject: email.subject,
      envelope: { from: built.envelopeFrom, to: [email.toEmail] },
      raw: built.raw,
    });
    const via = result.transport ?? deps.transport.name;
    return { id: email.id, reason: `Accepted by ${via}: ${result.response}`.slice(0, 1000), providerMessageId: result.providerMessageId ?? null, sentAt: new Date() };
  } catch (err) {
    await handleSendFailure(deps, email, err);
    return null;
  } finally {
    release?.();
  }
}

async function settleOtherwise(deps: DeliveryDeps, email: EmailRow, status: 'FAILED' | 'SUPPRESSED', reason: string): Promise<null> {
  await settleEmail(deps.db, email.id, status, reason);
  return null;
}

/** SENT and an `email.sent` event for every accepted email of the batch, in one transaction. */
async function markSent(deps: DeliveryDeps, accepted: { email: EmailRow; outcome: SentOutcome }[]) {
  if (!accepted.length) return;
  await deps.db.transaction(async (tx) => {
    const settled = await settleSentEmails(tx, accepted.map((a) => a.outcome));
    await recordEvents(
      tx,
      accepted
        .filter(({ email }) => settled.has(email.id))
        .map(({ email }) => ({
          projectId: email.projectId,
          contactId: email.contactId,
          emailId: email.id,
          name: 'email.sent',
          data: { emailId: email.id, messageId: email.messageId, subject: email.subject, from: email.fromEmail, sourceType: email.sourceType },
        })),
    );
  });
}

async function handleSendFailure(deps: DeliveryDeps, email: EmailRow, err: unknown) {
  const te = err instanceof TransportError ? err : new TransportError((err as Error).message, false);
  if (te.permanent) {
    // The receiving server refused the recipient for good (SMTP 5xx): a hard bounce.
    await deps.db.transaction(async (tx) => {
      // Only a refusal of the recipient is a bounce (BOUNCED, address suppressed); a refused message or
      // account says nothing about the address (FAILED).
      const reason = te.message.slice(0, 1000);
      const settled = await settleEmail(tx, email.id, te.recipientRejected ? 'BOUNCED' : 'FAILED', reason);
      if (settled && te.recipientRejected) await recordHardBounce(tx, settled, reason);
    });
    return;
  }
  if (email.attempts >= deps.send.maxAttempts) {
    await settleEmail(deps.db, email.id, 'FAILED', `Gave up after ${email.attempts} attempts; last error: ${te.message}`.slice(0, 1000));
    return;
  }
  const delay = deps.send.retryDelaySeconds * 2 ** (email.attempts - 1);
  deps.log.warn({ emailId: email.id, attempt: email.attempts, delay, reason: te.message }, 'temporary delivery failure; will retry');
  await deps.db.transaction(async (tx) => {
    const settled = await settleEmail(tx, email.id, 'PENDING', `Retrying in ${delay}s after attempt ${email.attempts}: ${te.message}`.slice(0, 1000));
    if (settled) await deps.queue.enqueue('email.send', { emailId: email.id }, { tx, startAfterSeconds: delay, priority: retryPriority[email.sourceType] });
  });
}
