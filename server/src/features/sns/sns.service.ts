import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import { applyBounce, applyComplaint, applyDelivery } from '../suppressions/bounce.service.js';
import { parseSesEvent, type SesFeedback } from './ses-events.js';
import type { SnsFetcher } from './sns-fetcher.js';
import { isAwsSnsUrl, snsEnvelope, verifySnsSignature, type SnsEnvelope } from './sns-signature.js';
import { claimSnsReceipt, deleteSnsReceiptsBefore, releaseSnsReceipt } from './sns.queries.js';

export interface SnsDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  config: Pick<Config, 'sns'>;
  snsFetcher: SnsFetcher;
}

export type SnsResult = 'confirmed' | 'applied' | 'duplicate' | 'ignored' | 'unknown-email';

/**
 * A notification for a message we do not know yet may have overtaken the worker storing the SES
 * MessageId: within this window we answer 503 so SNS delivers it again; after it, we let it go.
 */
const UNKNOWN_RETRY_WINDOW_MS = 15 * 60_000;

/**
 * One POST from SNS. Order matters: the topic allow-list comes before anything is fetched, the
 * certificate URL must be an AWS SNS host before it is fetched, and nothing is applied unless the
 * signature verifies. Each MessageId is applied once (receipts), whatever SNS redelivers.
 */
export async function receiveSnsMessage(deps: SnsDeps, body: unknown): Promise<{ success: true; result: SnsResult; duplicate?: true }> {
  const raw = parseBody(body);
  const topic = typeof raw.TopicArn === 'string' ? raw.TopicArn : '';
  if (!topic || !deps.config.sns.topicArns.includes(topic)) {
    deps.log.warn({ topicArn: topic.slice(0, 300) || null }, 'SNS message from a topic not in SNS_TOPIC_ARNS refused');
    throw new AppError('FORBIDDEN', 'This SNS topic is not accepted here (SNS_TOPIC_ARNS)');
  }
  const parsed = snsEnvelope.safeParse(raw);
  if (!parsed.success) throw new AppError('BAD_REQUEST', 'Not an SNS message: required fields are missing or malformed');
  const message = parsed.data;
  await verifyMessage(deps, message);

  if (message.Type === 'SubscriptionConfirmation') return { success: true, result: await confirm(deps, message) };
  if (message.Type !== 'Notification') {
    deps.log.info({ topicArn: topic, type: message.Type }, 'SNS message ignored');
    return { success: true, result: 'ignored' };
  }
  const feedback = parseSesEvent(message.Message);
  if (!feedback) throw new AppError('BAD_REQUEST', 'The notification is not an SES event with mail.messageId');
  if (feedback.kind === 'ignored') return { success: true, result: 'ignored' };

  if (!(await claimSnsReceipt(deps.db, message.MessageId, topic))) return { success: true, result: 'duplicate', duplicate: true };
  let outcome: 'applied' | 'duplicate' | 'unknown';
  try {
    outcome = await applyFeedback(deps, feedback);
  } catch (err) {
    await releaseSnsReceipt(deps.db, message.MessageId);
    throw err;
  }
  if (outcome !== 'unknown') return { success: true, result: outcome };
  const sentAt = feedback.sentAt?.getTime() ?? 0;
  if (deps.clock.now().getTime() - sentAt < UNKNOWN_RETRY_WINDOW_MS) {
    await releaseSnsReceipt(deps.db, message.MessageId);
    throw new AppError('SERVICE_UNAVAILABLE', 'No email with this SES MessageId yet; SNS will deliver the notification again');
  }
  deps.log.info({ providerMessageId: feedback.providerMessageId }, 'SES notification for an unknown message ignored');
  return { success: true, result: 'unknown-email' };
}

/** SNS stops redelivering within hours; receipts are kept a week, then dropped (daily job). */
const RECEIPT_RETENTION_MS = 7 * 24 * 3600_000;

export async function purgeSnsReceipts(deps: Pick<SnsDeps, 'db' | 'clock'>): Promise<number> {
  return deleteSnsReceiptsBefore(deps.db, new Date(deps.clock.now().getTime() - RECEIPT_RETENTION_MS));
}

/** SNS posts JSON with `Content-Type: text/plain`; other clients send application/json. */
function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      throw new AppError('BAD_REQUEST', 'The body is not JSON');
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AppError('BAD_REQUEST', 'The body is not an SNS message');
  return value as Record<string, unknown>;
}

async function verifyMessage(deps: SnsDeps, message: SnsEnvelope) {
  if (!isAwsSnsUrl(message.SigningCertURL)) {
    deps.log.warn({ topicArn: message.TopicArn }, 'SNS message with a signing certificate outside AWS refused');
    throw new AppError('FORBIDDEN', 'SigningCertURL must be an https URL on sns.<region>.amazonaws.com');
  }
  let pem: string;
  try {
    pem = await deps.snsFetcher.certificate(message.SigningCertURL);
  } catch (err) {
    deps.log.warn({ reason: (err as Error).message }, 'SNS signing certificate could not be fetched');
    throw new AppError('SERVICE_UNAVAILABLE', 'The SNS signing certificate could not be fetched; try again later');
  }
  if (!verifySnsSignature(message, pem)) {
    deps.log.warn({ topicArn: message.TopicArn, messageId: message.MessageId }, 'SNS message with an invalid signature refused');
    throw new AppError('FORBIDDEN', 'The SNS signature does not verify');
  }
}

async function confirm(deps: SnsDeps, message: SnsEnvelope): Promise<SnsResult> {
  if (!isAwsSnsUrl(message.SubscribeURL)) throw new AppError('BAD_REQUEST', 'SubscribeURL must be an https URL on sns.<region>.amazonaws.com');
  try {
    await deps.snsFetcher.confirmSubscription(message.SubscribeURL!);
  } catch (err) {
    deps.log.warn({ topicArn: message.TopicArn, reason: (err as Error).message }, 'SNS subscription confirmation failed');
    throw new AppError('SERVICE_UNAVAILABLE', 'The subscription could not be confirmed with SNS; try again later');
  }
  deps.log.info({ topicArn: message.TopicArn }, 'SNS subscription confirmed');
  return 'confirmed';
}

function applyFeedback({ db, clock }: SnsDeps, f: Exclude<SesFeedback, { kind: 'ignored' }>) {
  const ref = { providerMessageId: f.providerMessageId };
  if (f.kind === 'bounce') return applyBounce(db, ref, { source: 'sns', reason: f.reason, at: f.at, hard: f.hard });
  if (f.kind === 'complaint') return applyComplaint(db, ref, { source: 'sns', reason: f.reason, at: f.at });
  return applyDelivery(db, ref, f.at ?? clock.now());
}
