import { randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import { hashPassword } from '../../core/password.js';
import { acceptSend } from '../emails/send.service.js';
import { ensureSystemProject } from '../projects/projects.service.js';
import { endAllSessions } from './sessions.service.js';
import * as throttle from './throttle.queries.js';
import { hashToken, type AccountDeps, type RequestMeta } from './users.service.js';
import * as q from './users.queries.js';

const RESET_TTL_MS = 3_600_000;
const RESETS_PER_HOUR = 3;

export const RESET_REQUESTED_MESSAGE = 'If an account exists for this email, we sent it a link to reset the password. The link works for one hour.';

const invalidToken = () => new AppError('INVALID_TOKEN', 'This password reset link is invalid, expired or already used. Ask for a new one.');

/**
 * Mails a one-hour, single-use reset link to an existing account. The answer is the same whether or
 * not the account exists, and whether or not the per-email hourly limit silently dropped the request.
 */
export async function requestPasswordReset(deps: AccountDeps, email: string, meta: RequestMeta): Promise<{ message: string }> {
  const user = await q.findUserByEmail(deps.db, email);
  if (user && (await withinHourlyLimit(deps, email))) {
    const token = randomBytes(32).toString('hex');
    const now = deps.clock.now();
    await q.insertPasswordReset(deps.db, { tokenHash: hashToken(token), userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + RESET_TTL_MS) });
    await sendResetMail(deps, user.email, token, meta);
  }
  return { message: RESET_REQUESTED_MESSAGE };
}

async function withinHourlyLimit(deps: AccountDeps, email: string): Promise<boolean> {
  const hit = await throttle.hitThrottle(deps.db, `reset:${hashToken(email)}`, deps.clock.now(), 3600);
  return hit.count <= RESETS_PER_HOUR;
}

/** Account mail goes through the normal send pipeline, as an email of the instance's system project. */
async function sendResetMail(deps: AccountDeps, to: string, token: string, meta: RequestMeta): Promise<void> {
  const project = await ensureSystemProject(deps);
  const link = `${deps.config.publicUrl}/reset-password?token=${token}`;
  await acceptSend(
    deps,
    { project, projectId: project.id, actor: { type: 'system' }, requestId: meta.requestId ?? null, ip: meta.ip ?? null },
    {
      to,
      from: { email: deps.config.auth.systemFrom, name: 'Mailwright' },
      subject: 'Reset your Mailwright password',
      body: [
        '<p>Someone (hopefully you) asked to reset the password of your Mailwright account.</p>',
        `<p><a href="${link}">Choose a new password</a></p>`,
        '<p>The link works once, for one hour. If you did not ask for it, ignore this email: your password stays as it is.</p>',
      ].join('\n'),
    },
  );
}

/** Sets a new password from a live reset token, uses the token up and logs the account out everywhere. */
export async function resetPassword(deps: AccountDeps, input: { token: string; password: string }): Promise<void> {
  const tokenHash = hashToken(input.token);
  if (!/^[0-9a-f]{64}$/.test(input.token) || !(await q.findLivePasswordReset(deps.db, tokenHash, deps.clock.now()))) throw invalidToken();
  // Hash outside the transaction: scrypt is slow and a transaction blocks the embedded database.
  const passwordHash = await hashPassword(input.password, deps.config.auth.scryptLogN);
  await deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const userId = await q.consumePasswordReset(tx, tokenHash, now);
    if (!userId) throw invalidToken();
    await q.updatePasswordHash(tx, userId, passwordHash, now);
    await q.expireOtherPasswordResets(tx, userId, tokenHash, now);
    await endAllSessions(tx, userId);
  });
}
