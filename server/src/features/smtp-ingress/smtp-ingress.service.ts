import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../../container.js';
import { AppError } from '../../core/errors.js';
import type { ProjectRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { acceptSend } from '../emails/send.service.js';
import { authenticateKey, findProject } from '../projects/projects.service.js';
import { redactKeys } from '../keys/keys.js';
import { sendBodyFromMessage } from './smtp-message.js';

// What an SMTP transaction means for Mailwright: AUTH with a project's secret key, then each message is
// accepted through the same send path as POST /v1/send (sender policy, suppression, tracking, activity,
// billing limits), one email per envelope recipient, in one transaction.

export type IngressDeps = AppDeps;

/** An SMTP reply for a refused command: the code and its text (with enhanced status code). */
export class SmtpReply extends Error {
  constructor(public readonly responseCode: number, message: string) {
    // One line, no key material, bounded: it is echoed to the client.
    super(redactKeys(message).replace(/[\r\n]+/g, ' ').slice(0, 400));
  }
}

/** The project whose secret key is the AUTH password (any username); null for a wrong or public key. */
export async function authenticateSmtpPassword(deps: Pick<IngressDeps, 'db'>, password: string): Promise<ProjectRow | null> {
  try {
    return (await authenticateKey(deps, password.trim(), ['secret'])).project;
  } catch (err) {
    if (err instanceof AppError && err.code === 'INVALID_API_KEY') return null;
    throw err;
  }
}

export interface ReceivedSmtpMessage {
  project: ProjectRow;
  recipients: string[];
  raw: Buffer;
  ip?: string | null;
}

/**
 * Accepts one message: the project's `send` rate limit, parsing, the /v1/send validation and send path,
 * plus one `email.smtp_received` activity entry naming the transaction. Every refusal is an SmtpReply.
 */
export async function acceptSmtpMessage(deps: IngressDeps, message: ReceivedSmtpMessage) {
  const requestId = `smtp-${randomUUID()}`;
  try {
    // The session authenticated earlier: a key rotated (or a project disabled or deleted) since then
    // must stop this connection too, not only new ones.
    const project = await findProject(deps.db, message.project.id);
    if (!project || project.secretKeyHash !== message.project.secretKeyHash) {
      throw new SmtpReply(535, '5.7.8 Authentication credentials invalid: the secret key was rotated; authenticate again');
    }
    if (project.disabled) throw new SmtpReply(550, '5.7.1 Project is disabled. All write operations are blocked.');
    const decision = await deps.rateLimiter.consume('send', project.id);
    if (decision && !decision.allowed) {
      throw new AppError('RATE_LIMIT_EXCEEDED', `Rate limit exceeded for sending; retry in ${decision.retryAfterSeconds}s`);
    }
    const body = await sendBodyFromMessage(message.raw, message.recipients);
    const ctx: ProjectActionContext & { project: ProjectRow } = {
      project,
      projectId: project.id,
      actor: { type: 'secret_key' },
      requestId,
      ip: message.ip ?? null,
    };
    const result = await deps.db.transaction(async (tx) => {
      const accepted = await acceptSend({ ...deps, db: tx }, ctx, body);
      await recordActivity(tx, {
        projectId: ctx.projectId,
        actor: ctx.actor,
        requestId,
        ip: ctx.ip,
        type: 'email.smtp_received',
        summary: `Message "${(body.subject ?? '').slice(0, 120)}" received via SMTP for ${accepted.emails.length} recipient${accepted.emails.length === 1 ? '' : 's'}`,
        metadata: { via: 'smtp', emailIds: accepted.emails.map((e) => e.email), size: message.raw.length },
      });
      return accepted;
    });
    deps.log.info({ projectId: ctx.projectId, requestId, recipients: result.emails.length }, 'SMTP ingress: message accepted');
    return { requestId, emails: result.emails };
  } catch (err) {
    throw toSmtpReply(err, deps, requestId);
  }
}

/** How a refusal of the send path is answered: permanent for what retrying cannot fix, temporary otherwise. */
export function toSmtpReply(err: unknown, deps: Pick<IngressDeps, 'log'>, requestId: string): SmtpReply {
  if (err instanceof SmtpReply) return err;
  if (!(err instanceof AppError)) {
    deps.log.error({ err, requestId }, 'SMTP ingress: could not accept a message; the client may retry');
    return new SmtpReply(451, `4.3.0 Temporary failure, try again later (request ${requestId})`);
  }
  const fields = err.details?.errors?.map((e) => e.field) ?? [];
  switch (err.code) {
    case 'VALIDATION_ERROR':
      if (fields.some((f) => f === 'from' || f.startsWith('from.') || f === 'reply')) return new SmtpReply(553, `5.1.7 ${err.message}`);
      return new SmtpReply(550, `5.6.0 ${err.message}`);
    case 'DOMAIN_NOT_VERIFIED':
    case 'PROJECT_DISABLED':
      return new SmtpReply(550, `5.7.1 ${err.message}`);
    case 'RATE_LIMIT_EXCEEDED':
    case 'BILLING_LIMIT_EXCEEDED':
      return new SmtpReply(451, `4.7.0 ${err.message}`);
    case 'SERVICE_UNAVAILABLE':
    case 'INTERNAL_SERVER_ERROR':
      deps.log.error({ err, requestId }, 'SMTP ingress: could not accept a message; the client may retry');
      return new SmtpReply(451, `4.3.0 Temporary failure, try again later (request ${requestId})`);
    default:
      return new SmtpReply(550, `5.7.1 ${err.message}`);
  }
}
