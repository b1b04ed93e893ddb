import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../container.js';
import type { Db } from '../../db/client.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { toContactJson } from '../contacts/contacts.schemas.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { computeSegmentMembership } from './segment-compute.service.js';
import { addSegmentMembers, removeSegmentMembers } from './segment-members.service.js';
import {
  addMembersBody,
  addMembersResponse,
  computeResponse,
  createSegmentBody,
  previewBody,
  previewResponse,
  removeMembersBody,
  removeMembersResponse,
  segmentContactsPage,
  segmentContactsQuery,
  segmentIdParams,
  segmentResponse,
  toSegmentJson,
  updateSegmentBody,
} from './segments.schemas.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentContacts,
  listSegments,
  previewSegment,
  refreshSegmentCount,
  updateSegment,
} from './segments.service.js';

// Segments answer with bare resource JSON, as Plunk's do. Writes honour Idempotency-Key: the service
// writes through the key's transaction (`db`).
export const segmentRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['segments'];
  const withDb = (db: Db) => ({ db, clock: deps.clock });

  app.get('/segments', { onRequest: access, schema: { tags, response: { 200: z.array(segmentResponse) } } }, async (request) =>
    (await listSegments(deps.db, actionContext(request).projectId)).map(toSegmentJson),
  );

  app.post('/segments', { onRequest: access, schema: { tags, body: createSegmentBody, response: { 201: segmentResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 201,
      body: toSegmentJson(await createSegment(withDb(db), ctx, request.body)),
    }));
    return sendStored(reply, result);
  });

  app.post('/segments/preview', { onRequest: access, schema: { tags, body: previewBody, response: { 200: previewResponse } } }, async (request) =>
    previewSegment(withDb(deps.db), actionContext(request).projectId, request.body.condition),
  );

  app.get('/segments/:id', { onRequest: access, schema: { tags, params: segmentIdParams, response: { 200: segmentResponse } } }, async (request) =>
    toSegmentJson(await getSegment(deps.db, actionContext(request).projectId, request.params.id)),
  );

  app.patch(
    '/segments/:id',
    { onRequest: access, schema: { tags, params: segmentIdParams, body: updateSegmentBody, response: { 200: segmentResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 200,
        body: toSegmentJson(await updateSegment(withDb(db), ctx, request.params.id, request.body)),
      }));
      return sendStored(reply, result);
    },
  );

  app.delete('/segments/:id', { onRequest: access, schema: { tags, params: segmentIdParams } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      await deleteSegment(withDb(db), ctx, request.params.id);
      return { status: 204, body: null };
    });
    return sendStored(reply, result);
  });

  app.get(
    '/segments/:id/contacts',
    { onRequest: access, schema: { tags, params: segmentIdParams, querystring: segmentContactsQuery, response: { 200: segmentContactsPage } } },
    async (request) => {
      const page = await listSegmentContacts(withDb(deps.db), actionContext(request).projectId, request.params.id, request.query);
      return { ...page, data: page.data.map(toContactJson) };
    },
  );

  app.post(
    '/segments/:id/members',
    { onRequest: access, schema: { tags, params: segmentIdParams, body: addMembersBody, response: { 200: addMembersResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 200,
        body: await addSegmentMembers(withDb(db), ctx, request.params.id, request.body),
      }));
      return sendStored(reply, result);
    },
  );

  app.delete(
    '/segments/:id/members',
    { onRequest: access, schema: { tags, params: segmentIdParams, body: removeMembersBody, response: { 200: removeMembersResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 200,
        body: await removeSegmentMembers(withDb(db), ctx, request.params.id, request.body.emails),
      }));
      return sendStored(reply, result);
    },
  );

  app.post('/segments/:id/compute', { onRequest: access, schema: { tags, params: segmentIdParams, response: { 200: computeResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 200,
      body: await computeSegmentMembership(withDb(db), ctx.projectId, request.params.id),
    }));
    return sendStored(reply, result);
  });

  app.post('/segments/:id/refresh', { onRequest: access, schema: { tags, params: segmentIdParams, response: { 200: segmentResponse } } }, async (request) =>
    toSegmentJson(await refreshSegmentCount(withDb(deps.db), actionContext(request).projectId, request.params.id)),
  );
};
