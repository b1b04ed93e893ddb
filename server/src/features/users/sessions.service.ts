import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { sha256 } from '../../core/crypto.js';
import type { Executor } from '../../db/client.js';
import type { UserRow } from '../../db/schema/index.js';
import * as q from './sessions.queries.js';
import { deleteThrottlesOlderThan } from './throttle.queries.js';

export interface SessionDeps {
  db: Executor;
  clock: Clock;
  masterKey: Buffer;
  config: { auth: { sessionTtlHours: number } };
}

export interface SessionUser {
  id: string;
  email: string;
  isInstanceOwner: boolean;
  createdAt: Date;
}

// Sliding expiry, but the row is only rewritten when a session is at least this old since last use,
// so dashboard polling does not turn every read into a write.
const TOUCH_AFTER_MS = 5 * 60_000;

const hashToken = (token: string) => sha256(token).toString('hex');

export const publicUser = (u: UserRow): SessionUser => ({ id: u.id, email: u.email, isInstanceOwner: u.isInstanceOwner, createdAt: u.createdAt });

/** Starts a session; returns the cookie token (only its hash is stored). */
export async function startSession(deps: SessionDeps, userId: string, meta: { ip?: string; userAgent?: string }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  await q.insertSession(deps.db, {
    id: hashToken(token),
    userId,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + deps.config.auth.sessionTtlHours * 3_600_000),
  });
  return token;
}

export async function resolveSession(deps: SessionDeps, token: string): Promise<{ user: SessionUser; sessionId: string } | null> {
  if (!token || token.length > 100) return null;
  const now = deps.clock.now();
  const found = await q.findLiveSession(deps.db, hashToken(token), now);
  if (!found) return null;
  if (now.getTime() - found.session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await q.extendSession(deps.db, found.session.id, now, new Date(now.getTime() + deps.config.auth.sessionTtlHours * 3_600_000));
  }
  return { user: publicUser(found.user), sessionId: found.session.id };
}

export async function endSession(deps: Pick<SessionDeps, 'db'>, token: string): Promise<void> {
  if (token && token.length <= 100) await q.deleteSession(deps.db, hashToken(token));
}

export async function endAllSessions(db: Executor, userId: string): Promise<void> {
  await q.deleteUserSessions(db, userId);
}

/** Maintenance: removes sessions past their expiry; returns how many went. */
/** Daily cleanup: expired sessions, and throttle windows that ended long ago (windows are ≤ 1 day). */
export async function purgeExpiredSessions(db: Executor, now: Date): Promise<number> {
  await deleteThrottlesOlderThan(db, new Date(now.getTime() - 2 * 86_400_000));
  return q.deleteExpiredSessions(db, now);
}

/** The CSRF token is bound to the session: an HMAC of its token under the instance key. */
export function csrfTokenFor(masterKey: Buffer, sessionToken: string): string {
  return createHmac('sha256', masterKey).update(`csrf:${sessionToken}`).digest('base64url');
}
