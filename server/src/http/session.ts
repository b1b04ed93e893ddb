import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { safeEqual } from '../core/crypto.js';
import { csrfTokenFor, resolveSession, type SessionUser } from '../features/users/sessions.service.js';

export const SESSION_COOKIE = 'mw_session';
export const CSRF_COOKIE = 'mw_csrf';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionHttpDeps {
  db: Db;
  clock: Clock;
  masterKey: Buffer;
  config: Pick<Config, 'publicUrl' | 'auth'>;
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

export function setSessionCookies(reply: FastifyReply, deps: SessionHttpDeps, token: string): void {
  const secure = deps.config.publicUrl.startsWith('https:');
  const maxAge = deps.config.auth.sessionTtlHours * 3600;
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge });
  // Readable by the SPA, which echoes it in X-CSRF-Token: a cross-site page can neither read it nor set the header.
  reply.setCookie(CSRF_COOKIE, csrfTokenFor(deps.masterKey, token), { httpOnly: false, sameSite: 'lax', secure, path: '/', maxAge });
}

export function clearSessionCookies(reply: FastifyReply, deps: SessionHttpDeps): void {
  const secure = deps.config.publicUrl.startsWith('https:');
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  reply.clearCookie(CSRF_COOKIE, { httpOnly: false, sameSite: 'lax', secure, path: '/' });
}

/** The request's Origin (or, without one, its Referer's origin) must be PUBLIC_URL's origin. */
export function assertSameOrigin(request: FastifyRequest, publicUrl: string): void {
  const expected = new URL(publicUrl).origin;
  const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (!origin || !sameInstance(origin, publicUrl)) {
    throw new AppError(
      'CSRF_REJECTED',
      origin
        ? `Cross-origin request refused: ${origin} is not this instance's origin (${expected}). Open the dashboard at PUBLIC_URL.`
        : `Request refused: no Origin or Referer header; cookie-authenticated changes must come from ${expected}`,
    );
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * PUBLIC_URL's origin. On a loopback PUBLIC_URL (local development) the other loopback spellings on the
 * same port count too: only this machine can be reached through them, and cookies stay per host anyway.
 */
function sameInstance(origin: string, publicUrl: string): boolean {
  const expected = new URL(publicUrl);
  if (origin === expected.origin) return true;
  if (!LOOPBACK.has(expected.hostname) || !URL.canParse(origin)) return false;
  const given = new URL(origin);
  return given.protocol === expected.protocol && given.port === expected.port && LOOPBACK.has(given.hostname);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer || !URL.canParse(referer)) return undefined;
  return new URL(referer).origin;
}

/** Origin check plus the session-bound token, for every cookie-authenticated state change. */
export function assertCsrf(request: FastifyRequest, deps: SessionHttpDeps, token: string): void {
  if (!STATE_CHANGING.has(request.method)) return;
  assertSameOrigin(request, deps.config.publicUrl);
  const given = request.headers['x-csrf-token'];
  const expected = csrfTokenFor(deps.masterKey, token);
  if (typeof given !== 'string' || !safeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new AppError('CSRF_REJECTED', 'Missing or invalid X-CSRF-Token header (send the value of the mw_csrf cookie)');
  }
}

/** Resolves the session cookie to a user; throws UNAUTHORIZED when absent or expired. */
export async function authenticateSession(request: FastifyRequest, deps: SessionHttpDeps): Promise<{ user: SessionUser; token: string }> {
  const token = sessionToken(request);
  const found = token ? await resolveSession(deps, token) : null;
  if (!token || !found) throw new AppError('UNAUTHORIZED', 'Not logged in, or the session has expired. Log in again.');
  assertCsrf(request, deps, token);
  return { user: found.user, token };
}
