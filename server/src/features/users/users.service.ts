import type { Clock } from '../../core/clock.js';
import { sha256 } from '../../core/crypto.js';
import { isUniqueViolation } from '../../core/db-errors.js';
import { AppError } from '../../core/errors.js';
import { hashPassword } from '../../core/password.js';
import type { Config } from '../../config.js';
import type { Db, Executor } from '../../db/client.js';
import type { InvitationRow, UserRow } from '../../db/schema/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity } from '../activity/activity.service.js';
import { publicUser, startSession, type SessionUser } from './sessions.service.js';
import * as q from './users.queries.js';

/** What the account services need; the app's container satisfies it. */
export interface AccountDeps {
  db: Db;
  queue: JobQueue;
  clock: Clock;
  masterKey: Buffer;
  config: Pick<Config, 'publicUrl' | 'auth' | 'mail'>;
}

/** Where a request came from: recorded on sessions and activity entries. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export const VERSION = '0.1.0';

export const hashToken = (token: string) => sha256(token).toString('hex');

/** What the dashboard needs before anyone logs in. */
export async function getInstanceConfig(deps: Pick<AccountDeps, 'db' | 'config'>) {
  return {
    signupsDisabled: deps.config.auth.disableSignups,
    hasUsers: await q.hasAnyUser(deps.db),
    devInbox: deps.config.mail.transport === 'inbox',
    publicUrl: deps.config.publicUrl,
    version: VERSION,
  };
}

/**
 * Creates an account and logs it in. The first account owns the instance. With DISABLE_SIGNUPS only
 * the holder of a pending invitation for this very email may sign up; a valid invitation always
 * makes the new account a member of the inviting project.
 */
export async function signup(
  deps: AccountDeps,
  input: { email: string; password: string; inviteToken?: string },
  meta: RequestMeta,
): Promise<{ user: SessionUser; token: string }> {
  const now = deps.clock.now();
  const found = input.inviteToken ? await q.findPendingInvitation(deps.db, hashToken(input.inviteToken), now) : undefined;
  const invitation = found && found.email.toLowerCase() === input.email ? found : undefined;
  // A closed instance still lets its very first account in: someone has to set it up.
  const closed = deps.config.auth.disableSignups && !invitation;
  const signupsDisabled = () => new AppError('SIGNUPS_DISABLED', 'Signups are disabled on this instance. Ask a project admin for an invitation.');
  if (closed && (await q.hasAnyUser(deps.db))) throw signupsDisabled();
  const passwordHash = await hashPassword(input.password, deps.config.auth.scryptLogN);
  const create = (owner: 'first' | false) => createAccount(deps, { email: input.email, passwordHash, owner }, invitation, meta);
  let user: UserRow;
  try {
    user = await create('first');
  } catch (err) {
    // Another first signup committed as owner meanwhile: this one is an ordinary account.
    if (!isUniqueViolation(err, 'users_single_instance_owner_idx')) throw err;
    if (closed) throw signupsDisabled();
    user = await create(false);
  }
  const token = await startSession(deps, user.id, meta);
  return { user: publicUser(user), token };
}

async function createAccount(
  deps: AccountDeps,
  input: { email: string; passwordHash: string; owner: 'first' | false },
  invitation: InvitationRow | undefined,
  meta: RequestMeta,
): Promise<UserRow> {
  return deps.db.transaction(async (tx) => {
    const user = await q.insertUser(tx, input);
    if (!user) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists. Log in, or reset your password.');
    if (invitation) await joinInvitedProject(tx, deps, user, invitation, meta);
    // The instance owner takes over projects nobody belongs to (the demo project seeded at first start).
    if (user.isInstanceOwner) await q.adoptMemberlessProjects(tx, user.id);
    return user;
  });
}

async function joinInvitedProject(tx: Executor, deps: AccountDeps, user: UserRow, invitation: InvitationRow, meta: RequestMeta): Promise<void> {
  const accepted = await q.acceptInvitation(tx, invitation.id, deps.clock.now());
  if (!accepted) {
    // Accepted or revoked between the check and now: without it, a closed instance admits no one.
    if (deps.config.auth.disableSignups) throw new AppError('SIGNUPS_DISABLED', 'This invitation is no longer valid, and signups are disabled on this instance.');
    return;
  }
  await q.insertMembership(tx, { projectId: accepted.projectId, userId: user.id, role: accepted.role });
  await recordActivity(tx, {
    projectId: accepted.projectId,
    actor: { type: 'user', id: user.id },
    requestId: meta.requestId ?? null,
    ip: meta.ip ?? null,
    type: 'member.joined',
    summary: `${user.email} joined the project as ${accepted.role} (invitation accepted)`,
    metadata: { userId: user.id, email: user.email, role: accepted.role, invitationId: accepted.id, invitedBy: accepted.invitedBy },
  });
}
