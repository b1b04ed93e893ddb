import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { requireSession, sessionUser } from '../../http/auth.js';
import { resumeMarketing } from '../projects/marketing-pause.service.js';
import type { UserActionContext } from '../projects/membership.service.js';
import { projectIdParams, securityResponse } from './reputation.schemas.js';
import { getProjectSecurity } from './reputation.service.js';

const userContext = (request: FastifyRequest): UserActionContext => ({ actor: { type: 'user', id: sessionUser(request).id }, requestId: request.id, ip: request.ip });

// Dashboard-only (session cookie): the reputation guard's view of a project, and the owner's way out
// of a marketing pause. Any member may look; only an OWNER may resume.
export const reputationRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const onRequest = requireSession(deps);
  const schema = { tags: ['projects'], security: [] as never[], params: projectIdParams, response: { 200: securityResponse } };

  app.get('/users/@me/projects/:id/security', { onRequest, schema }, async (request) => getProjectSecurity(deps, userContext(request), request.params.id));

  app.post('/users/@me/projects/:id/resume-marketing', { onRequest, schema }, async (request) => {
    const ctx = userContext(request);
    await resumeMarketing(deps, ctx, request.params.id);
    return getProjectSecurity(deps, ctx, request.params.id);
  });
};
