import { AppError } from '../../core/errors.js';
import { dummyPasswordHash, verifyPassword } from '../../core/password.js';
import type { Executor } from '../../db/client.js';
import { publicUser, startSession, type SessionUser } from './sessions.service.js';
import * as throttle from './throttle.queries.js';
import { hashToken, type AccountDeps, type RequestMeta } from './users.service.js';
import * as q from './users.queries.js';

interface Slot {
  key: string;
  windowStartedAt: Date;
}

/**
 * Takes one attempt from the key's fixed window, before any password is checked: of N concurrent
 * attempts exactly `limit` get a slot, the rest are refused. `limit` 0 turns the check off.
 */
export async function reserveSlot(
  db: Executor,
  key: string,
  limit: number,
  window: { seconds: number; now: Date },
  refusal: (retryAfter: number) => AppError,
): Promise<Slot | null> {
  if (limit <= 0) return null;
  const hit = await throttle.hitThrottle(db, key, window.now, window.seconds);
  if (hit.count > limit) {
    const endsAt = hit.windowStartedAt.getTime() + window.seconds * 1000;
    throw refusal(Math.max(1, Math.ceil((endsAt - window.now.getTime()) / 1000)));
  }
  return { key, windowStartedAt: hit.windowStartedAt };
}

const tooManyAttempts = (retryAfter: number) =>
  new AppError('RATE_LIMIT_EXCEEDED', `Too many login attempts. Try again in ${retryAfter} seconds.`, { retryAfter });

// One message for an unknown email and a wrong password: the answer never tells which accounts exist.
const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Incorrect email or password');

/**
 * Checks the password and starts a session. Failed attempts are counted per email and per IP in
 * fixed windows (auth_throttles); a success forgets the email's failures and gives the IP its slot back.
 */
export async function login(
  deps: AccountDeps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<{ user: SessionUser; token: string }> {
  const { auth } = deps.config;
  const window = { seconds: auth.loginWindowSeconds, now: deps.clock.now() };
  const emailSlot = await reserveSlot(deps.db, `login:email:${hashToken(input.email)}`, auth.loginPerEmail, window, tooManyAttempts);
  let ipSlot: Slot | null;
  try {
    ipSlot = meta.ip ? await reserveSlot(deps.db, `login:ip:${meta.ip}`, auth.loginPerIp, window, tooManyAttempts) : null;
  } catch (err) {
    // Refused for its IP: this attempt checked nothing, so it does not count against the account.
    if (emailSlot) await throttle.releaseThrottle(deps.db, emailSlot.key, emailSlot.windowStartedAt);
    throw err;
  }

  const user = await q.findUserByEmail(deps.db, input.email);
  // Unknown emails cost a full scrypt too, so timing does not tell them apart either.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash(auth.scryptLogN)));
  if (!user || !ok) throw invalidCredentials();

  if (emailSlot) await throttle.clearThrottle(deps.db, emailSlot.key);
  if (ipSlot) await throttle.releaseThrottle(deps.db, ipSlot.key, ipSlot.windowStartedAt);
  const token = await startSession(deps, user.id, meta);
  return { user: publicUser(user), token };
}
