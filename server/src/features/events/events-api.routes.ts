import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import {
  contactEventsQuery,
  contactIdParams,
  deleteResponse,
  eventNameParams,
  eventPageResponse,
  legacyContactIdParams,
  listEventsQuery,
  namesResponse,
  statsQuery,
  statsResponse,
  usageResponse,
} from './events-api.schemas.js';
import { trackBody, trackResponse } from './events.schemas.js';
import { trackHandler } from './track.handler.js';
import { deleteEventName, getEventStats, getEventUsage, listContactEvents, listEventNames, listProjectEvents } from './event-history.service.js';

/** The secret-key events API: tracking without CORS, reading, stats, names, usage and deletion. */
export const eventApiRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);
  const projectOf = (request: Parameters<typeof actionContext>[0]) => actionContext(request).projectId;

  // /v1/track's body, answer, rate bucket and Idempotency-Key handling; secret key only.
  app.post('/events/track', { onRequest: secret, config: { rateLimitBucket: 'track' }, schema: { body: trackBody, response: { 200: trackResponse } } }, trackHandler(deps));

  app.get('/events', { onRequest: secret, schema: { querystring: listEventsQuery, response: { 200: eventPageResponse } } }, async (request) => {
    const { eventName, name, limit, cursor } = request.query;
    return listProjectEvents(deps.db, projectOf(request), { eventName: eventName ?? name, limit, cursor });
  });

  app.get('/events/stats', { onRequest: secret, schema: { querystring: statsQuery, response: { 200: statsResponse } } }, async (request) => {
    const { startDate, endDate, from, to } = request.query;
    return getEventStats(deps.db, projectOf(request), { from: startDate ?? from, to: endDate ?? to });
  });

  app.get('/events/names', { onRequest: secret, schema: { response: { 200: namesResponse } } }, async (request) =>
    listEventNames(deps.db, projectOf(request)),
  );

  app.get('/events/:eventName/usage', { onRequest: secret, schema: { params: eventNameParams, response: { 200: usageResponse } } }, async (request) =>
    getEventUsage(deps.db, projectOf(request), request.params.eventName),
  );

  // With an Idempotency-Key the batched delete runs inside the key's transaction (all or nothing, and
  // held for the whole delete); without one each batch commits on its own, as before.
  app.delete('/events/:eventName', { onRequest: secret, schema: { params: eventNameParams, response: { 200: deleteResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 200,
      body: await deleteEventName(db, ctx, request.params.eventName),
    }));
    return sendStored(reply, result);
  });

  // Our path for a contact's events, and Plunk's.
  app.get('/contacts/:id/events', { onRequest: secret, schema: { params: contactIdParams, querystring: contactEventsQuery, response: { 200: eventPageResponse } } }, async (request) =>
    listContactEvents(deps.db, projectOf(request), request.params.id, request.query),
  );
  app.get(
    '/events/contact/:contactId',
    { onRequest: secret, schema: { params: legacyContactIdParams, querystring: contactEventsQuery, response: { 200: eventPageResponse } } },
    async (request) => listContactEvents(deps.db, projectOf(request), request.params.contactId, request.query),
  );
};
