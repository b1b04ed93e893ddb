import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import type { Db } from '../../db/client.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { duplicateCampaign, setCampaignArchived } from './campaign-actions.service.js';
import { campaignDeliveryRoutes } from './campaign-delivery.routes.js';
import {
  campaignEnvelope,
  campaignIdParams,
  campaignPage,
  createCampaignBody,
  listCampaignsQuery,
  messageEnvelope,
  toCampaignJson,
  updateCampaignBody,
} from './campaigns.schemas.js';
import { createCampaign, deleteCampaign, getCampaignWithSegment, listCampaignPage, updateCampaign, type CampaignDeps } from './campaigns.service.js';

// Campaigns answer `{success: true, data, message?}` as Plunk's do. Writes honour Idempotency-Key:
// the service writes through the key's transaction (`db`). Sending, tests and stats are in
// campaign-delivery.routes.ts.

export type WithDb = (db: Db) => CampaignDeps;

/** Runs a write once per Idempotency-Key and answers with what it returns. */
export function idempotentWrite(deps: AppDeps, withDb: WithDb) {
  return async (request: FastifyRequest, reply: FastifyReply, status: number, work: (d: CampaignDeps) => Promise<unknown>) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({ status, body: await work(withDb(db)) }));
    return sendStored(reply, result);
  };
}

export const campaignRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['campaigns'];
  const withDb: WithDb = (db) => ({ db, clock: deps.clock, queue: deps.queue, masterKey: deps.masterKey, config: deps.config });
  const write = idempotentWrite(deps, withDb);
  const withSegment = async (db: Db, projectId: string, id: string) => {
    const { campaign, segment } = await getCampaignWithSegment(db, projectId, id);
    return toCampaignJson(campaign, segment);
  };

  app.get('/campaigns', { onRequest: access, schema: { tags, querystring: listCampaignsQuery, response: { 200: campaignPage } } }, async (request) => {
    const page = await listCampaignPage(deps.db, actionContext(request).projectId, request.query);
    return { success: true as const, ...page, data: page.rows.map((r) => toCampaignJson(r.campaign, r.segment)) };
  });

  app.post('/campaigns', { onRequest: access, schema: { tags, body: createCampaignBody, response: { 201: campaignEnvelope } } }, async (request, reply) =>
    write(request, reply, 201, async (d) => {
      const ctx = actionContext(request);
      const row = await createCampaign(d, ctx, request.body);
      return { success: true, data: await withSegment(d.db, ctx.projectId, row.id) };
    }),
  );

  app.get('/campaigns/:id', { onRequest: access, schema: { tags, params: campaignIdParams, response: { 200: campaignEnvelope } } }, async (request) => ({
    success: true as const,
    data: await withSegment(deps.db, actionContext(request).projectId, request.params.id),
  }));

  // Plunk's route is PUT; PATCH is the same partial update (our other resources use PATCH).
  for (const method of ['put', 'patch'] as const) {
    app[method](
      '/campaigns/:id',
      { onRequest: access, schema: { tags, params: campaignIdParams, body: updateCampaignBody, response: { 200: campaignEnvelope } } },
      async (request, reply) =>
        write(request, reply, 200, async (d) => {
          const ctx = actionContext(request);
          const row = await updateCampaign(d, ctx, request.params.id, request.body);
          return { success: true, data: await withSegment(d.db, ctx.projectId, row.id) };
        }),
    );
  }

  app.delete('/campaigns/:id', { onRequest: access, schema: { tags, params: campaignIdParams, response: { 200: messageEnvelope } } }, async (request, reply) =>
    write(request, reply, 200, async (d) => {
      await deleteCampaign(d, actionContext(request), request.params.id);
      return { success: true, message: 'Campaign deleted successfully' };
    }),
  );

  app.post('/campaigns/:id/duplicate', { onRequest: access, schema: { tags, params: campaignIdParams, response: { 201: campaignEnvelope } } }, async (request, reply) =>
    write(request, reply, 201, async (d) => {
      const ctx = actionContext(request);
      const row = await duplicateCampaign(d, ctx, request.params.id);
      return { success: true, data: await withSegment(d.db, ctx.projectId, row.id), message: 'Campaign duplicated successfully' };
    }),
  );

  for (const [action, archived] of [['archive', true], ['unarchive', false]] as const) {
    app.post(`/campaigns/:id/${action}`, { onRequest: access, schema: { tags, params: campaignIdParams, response: { 200: campaignEnvelope } } }, async (request, reply) =>
      write(request, reply, 200, async (d) => {
        const ctx = actionContext(request);
        const row = await setCampaignArchived(d, ctx, request.params.id, archived);
        return { success: true, data: await withSegment(d.db, ctx.projectId, row.id), message: archived ? 'Campaign archived' : 'Campaign unarchived' };
      }),
    );
  }

  await app.register(campaignDeliveryRoutes(deps, write));
};
