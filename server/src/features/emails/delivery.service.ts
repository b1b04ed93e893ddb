import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { EmailRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { RenderError } from '../../mail/render.js';
import { TransportError, type SendResult, type Transport } from '../../mail/transport.js';
import { recordEvents } from '../events/events.service.js';
import { AppError } from '../../core/errors.js';
import { findProject } from '../projects/projects.service.js';
import { campaignHoldReason, finalizeCampaignIfDone } from '../campaigns/campaign-fanout.service.js';
import { rateClassOf, takeSendToken } from '../campaigns/send-rate.js';
import { recordHardBounce, suppressionBeforeHandoff } from '../suppressions/delivery-gate.js';
import { buildOutgoingMessage, type BuiltMessage } from './message-pipeline.js';
import { claimEmailForSending, findEmailStatus, recordProviderMessageId, settleEmail } from './emails.queries.js';
import { assertSenderAllowed } from './sender-policy.js';

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

/** The email is SENDING under a lease that has not run out yet; the job must be retried later. */
export class EmailLeasedError extends Error {}

/** Worker entry point for one `email.send` job. Safe to run twice for the same email. */
export async function deliverEmail(deps: DeliveryDeps, emailId: string): Promise<void> {
  const email = await claimEmailForSending(deps.db, emailId, STALE_SENDING_SECONDS);
  if (!email) {
    // Already settled: nothing to do. Still SENDING: either a live worker has it, or the worker died
    // and pg-boss expired the job (120 s) before the lease (150 s) ran out. Returning would drop the
    // email for good in the second case, so fail the job and let pg-boss retry once the lease is stale.
    if ((await findEmailStatus(deps.db, emailId)) === 'SENDING') {
      throw new EmailLeasedError(`Email ${emailId} is leased by another delivery; retrying after the lease expires`);
    }
    return;
  }
  await deliverClaimed(deps, email);
  // The last campaign email to settle marks its campaign SENT (one conditional UPDATE; no-op otherwise).
  if (email.campaignId) await finalizeCampaignIfDone(deps.db, email.campaignId);
}

async function deliverClaimed(deps: DeliveryDeps, email: EmailRow): Promise<void> {
  // Campaign mail only goes out while its campaign is SENDING (a cancelled one ends "Campaign cancelled").
  const held = email.campaignId ? await campaignHoldReason(deps.db, email.campaignId) : null;
  if (held) {
    await settleEmail(deps.db, email.id, 'FAILED', held);
    return;
  }

  const project = await findProject(deps.db, email.projectId);
  if (!project) return; // deleted with its emails
  const blocked = await suppressionBeforeHandoff(deps.db, email, project);
  if (blocked) {
    await settleEmail(deps.db, email.id, 'SUPPRESSED', blocked);
    return;
  }
  let built: BuiltMessage;
  try {
    await assertSenderAllowed(deps, project, email.fromEmail);
    built = await buildOutgoingMessage(deps, project, email);
  } catch (err) {
    const reason = err instanceof RenderError ? err.message : err instanceof AppError ? err.message : `Could not build message: ${(err as Error).message}`;
    await settleEmail(deps.db, email.id, 'FAILED', reason);
    return;
  }

  try {
    // Global transport rate, shared by all workers; a database failure here is a temporary failure.
    await takeSendToken(deps.db, deps.send.ratePerSecond, rateClassOf(email.sourceType));
    // A campaign cancelled while this email waited for its token: it must not go out now.
    const late = email.campaignId && deps.send.ratePerSecond ? await campaignHoldReason(deps.db, email.campaignId) : null;
    if (late) {
      await settleEmail(deps.db, email.id, 'FAILED', late);
      return;
    }
    const result = await deps.transport.send({
      emailId: email.id,
      projectId: email.projectId,
      messageId: email.messageId!,
      subject: email.subject,
      envelope: { from: built.envelopeFrom, to: [email.toEmail] },
      raw: built.raw,
    });
    await markSent(deps, email, result);
  } catch (err) {
    await handleSendFailure(deps, email, err);
  }
}

async function markSent(deps: DeliveryDeps, email: EmailRow, result: SendResult) {
  await deps.db.transaction(async (tx) => {
    const via = result.transport ?? deps.transport.name;
    const settled = await settleEmail(tx, email.id, 'SENT', `Accepted by ${via}: ${result.response}`.slice(0, 1000));
    if (!settled) return;
    // The provider's id is how its later notifications (SES via SNS) find this email.
    if (result.providerMessageId) await recordProviderMessageId(tx, email.id, result.providerMessageId);
    await recordEvents(tx, [
      {
        projectId: email.projectId,
        contactId: email.contactId,
        emailId: email.id,
        name: 'email.sent',
        data: { emailId: email.id, messageId: email.messageId, subject: email.subject, from: email.fromEmail, sourceType: email.sourceType },
      },
    ]);
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
