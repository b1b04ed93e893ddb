import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Db } from '../db/client.js';
import type { MemberRole, ProjectRow } from '../db/schema/index.js';
import type { KeyKind } from '../features/keys/keys.js';
import type { ProjectActionContext } from '../features/activity/activity.service.js';
import { requireMembership } from '../features/projects/membership.service.js';
import { authenticateKey } from '../features/projects/projects.service.js';
import type { SessionUser } from '../features/users/sessions.service.js';
import { authenticateSession, type SessionHttpDeps } from './session.js';

/** Who is calling: a project key, or a logged-in user (with the project from X-Project-Id, if any). */
export interface RequestAuth {
  kind: KeyKind | 'session';
  project?: ProjectRow;
  user?: SessionUser;
  role?: MemberRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: RequestAuth;
  }
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header || !header.trim()) throw new AppError('MISSING_AUTH', 'Authorization header is required: "Authorization: Bearer <key>"');
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer') {
    throw new AppError('MISSING_AUTH', 'Authorization header must be "Bearer <key>"');
  }
  return parts[1];
}

function refuseDisabled(request: FastifyRequest, project: ProjectRow): void {
  if (project.disabled && WRITE_METHODS.has(request.method)) {
    throw new AppError('PROJECT_DISABLED', 'Project is disabled. All write operations are blocked.');
  }
}

async function keyAuth(request: FastifyRequest, db: Db, allowed: KeyKind[]): Promise<void> {
  const { project, kind } = await authenticateKey({ db }, bearerToken(request), allowed);
  refuseDisabled(request, project);
  request.auth = { kind, project };
}

/** Key-only routes (`/v1/*`): a session cookie never works here. `/v1/track` also takes public keys. */
export function requireKey(db: Db, allowed: KeyKind[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => keyAuth(request, db, allowed);
}

/**
 * Resource routes: a secret key, or a session plus `X-Project-Id` naming a project the user belongs to.
 * A bearer header wins when both are present (it cannot be forged cross-site, the cookie can).
 */
export function requireProjectAccess(deps: SessionHttpDeps, needed: MemberRole = 'MEMBER') {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (request.headers.authorization || !request.cookies?.mw_session) return keyAuth(request, deps.db, ['secret']);
    const { user } = await authenticateSession(request, deps);
    const header = request.headers['x-project-id'];
    if (typeof header !== 'string' || !header) {
      throw new AppError('BAD_REQUEST', 'X-Project-Id header is required when calling the API with a dashboard session');
    }
    const { project, role } = await requireMembership(deps.db, header, user.id, needed);
    refuseDisabled(request, project);
    request.auth = { kind: 'session', project, user, role };
  };
}

/** Session-only routes (`/users/@me…`, members): never an API key. */
export function requireSession(deps: SessionHttpDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const { user } = await authenticateSession(request, deps);
    request.auth = { kind: 'session', user };
  };
}

export function sessionUser(request: FastifyRequest): SessionUser {
  const user = request.auth?.user;
  if (!user) throw new AppError('UNAUTHORIZED', 'Not logged in');
  return user;
}

/** The audit context of a project-scoped request. */
export function actionContext(request: FastifyRequest): ProjectActionContext & { project: ProjectRow } {
  const auth = request.auth;
  if (!auth?.project) throw new AppError('UNAUTHORIZED', 'Not authenticated');
  return {
    project: auth.project,
    projectId: auth.project.id,
    actor: auth.user ? { type: 'user', id: auth.user.id } : { type: auth.kind === 'public' ? 'public_key' : 'secret_key' },
    requestId: request.id,
    ip: request.ip,
  };
}
