import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { activityPage, activityStats as statsResponse, activityTypes as typesResponse, apiRequestPage, listActivityQuery, listRequestsQuery, statsQuery } from './activity.schemas.js';
import { activityStats, activityTypes, listActivity } from './activity.service.js';
import { listApiRequests } from './request-log.service.js';

// The audit trail and the API request log of the caller's project (secret key, or session + X-Project-Id).
export const activityRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);

  app.get('/activity', { onRequest: access, schema: { querystring: listActivityQuery, response: { 200: activityPage } } }, async (request) =>
    listActivity(deps, actionContext(request).projectId, request.query),
  );

  app.get('/activity/stats', { onRequest: access, schema: { querystring: statsQuery, response: { 200: statsResponse } } }, async (request) =>
    activityStats(deps, actionContext(request).projectId, request.query),
  );

  app.get('/activity/types', { onRequest: access, schema: { response: { 200: typesResponse } } }, async (request) =>
    activityTypes(deps, actionContext(request).projectId),
  );

  app.get('/activity/requests', { onRequest: access, schema: { querystring: listRequestsQuery, response: { 200: apiRequestPage } } }, async (request) =>
    listApiRequests(deps, actionContext(request).projectId, request.query),
  );
};
