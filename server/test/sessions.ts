import { hashPassword } from '../src/core/password.js';
import { projectMembers, users, type MemberRole } from '../src/db/schema/index.js';
import { csrfTokenFor, startSession } from '../src/features/users/sessions.service.js';
import type { TestContext } from './context.js';

export interface TestSession {
  userId: string;
  email: string;
  token: string;
  /** Headers a same-origin dashboard request carries: cookies, CSRF token, Origin. */
  headers: Record<string, string>;
  /** The same plus X-Project-Id for resource routes. */
  forProject(projectId: string): Record<string, string>;
}

/**
 * A logged-in user, created directly in the database (the signup route has its own tests).
 * `memberOf` adds memberships; the session is real (same table and cookie the login route uses).
 */
export async function createUserSession(
  ctx: TestContext,
  opts: { email?: string; password?: string; memberOf?: { projectId: string; role: MemberRole }[] } = {},
): Promise<TestSession> {
  const email = (opts.email ?? `user-${Math.random().toString(36).slice(2, 10)}@example.com`).toLowerCase();
  const [user] = await ctx.deps.db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(opts.password ?? 'correct horse battery', ctx.deps.config.auth.scryptLogN) })
    .returning();
  for (const m of opts.memberOf ?? []) await ctx.deps.db.insert(projectMembers).values({ projectId: m.projectId, userId: user.id, role: m.role });
  const token = await startSession(ctx.deps, user.id, {});
  const headers = sessionHeaders(ctx, token);
  return { userId: user.id, email, token, headers, forProject: (projectId) => ({ ...headers, 'x-project-id': projectId }) };
}

export function sessionHeaders(ctx: TestContext, token: string): Record<string, string> {
  const csrf = csrfTokenFor(ctx.deps.masterKey, token);
  return { cookie: `mw_session=${token}; mw_csrf=${csrf}`, 'x-csrf-token': csrf, origin: new URL(ctx.deps.config.publicUrl).origin };
}
