import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { requireSession, sessionUser } from '../../http/auth.js';
import type { UserActionContext } from '../projects/membership.service.js';
import { consumptionQuery, consumptionResponse, limitsBody, limitsResponse, projectIdParams } from './billing.schemas.js';
import { getConsumption, getLimits, putLimits } from './billing.service.js';

const userContext = (request: FastifyRequest): UserActionContext => ({ actor: { type: 'user', id: sessionUser(request).id }, requestId: request.id, ip: request.ip });

// Dashboard routes (session cookie): any member reads usage and limits; OWNER or ADMIN sets limits.
export const billingRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const onRequest = requireSession(deps);
  const tags = ['billing'];
  const security: never[] = [];

  app.get(
    '/users/@me/projects/:id/billing-consumption',
    { onRequest, schema: { tags, security, params: projectIdParams, querystring: consumptionQuery, response: { 200: consumptionResponse } } },
    async (request) => getConsumption(deps, userContext(request), request.params.id, request.query.period),
  );

  app.get(
    '/users/@me/projects/:id/billing-limits',
    { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: limitsResponse } } },
    async (request) => getLimits(deps, userContext(request), request.params.id),
  );

  app.put(
    '/users/@me/projects/:id/billing-limits',
    { onRequest, schema: { tags, security, params: projectIdParams, body: limitsBody, response: { 200: limitsResponse } } },
    async (request) => putLimits(deps, userContext(request), request.params.id, request.body),
  );
};
