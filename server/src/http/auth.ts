import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Db } from '../db/client.js';
import type { ProjectRow } from '../db/schema/index.js';
import type { KeyKind } from '../features/keys/keys.js';
import type { ProjectActionContext } from '../features/activity/activity.service.js';
import { authenticateKey } from '../features/projects/projects.service.js';

export interface KeyAuth {
  project: ProjectRow;
  kind: KeyKind;
}

declare module 'fastify' {
  interface FastifyRequest {
    keyAuth?: KeyAuth;
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

/** preHandler: `/v1/track` accepts public or secret keys; every other key route only secret keys. */
export function requireKey(db: Db, allowed: KeyKind[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const { project, kind } = await authenticateKey({ db }, bearerToken(request), allowed);
    if (project.disabled && WRITE_METHODS.has(request.method)) {
      throw new AppError('PROJECT_DISABLED', 'Project is disabled. All write operations are blocked.');
    }
    request.keyAuth = { project, kind };
  };
}

/** The audit context of a key-authenticated request. */
export function actionContext(request: FastifyRequest): ProjectActionContext & { project: ProjectRow } {
  const auth = request.keyAuth;
  if (!auth) throw new AppError('UNAUTHORIZED', 'Not authenticated');
  return {
    project: auth.project,
    projectId: auth.project.id,
    actor: { type: auth.kind === 'public' ? 'public_key' : 'secret_key' },
    requestId: request.id,
    ip: request.ip,
  };
}
