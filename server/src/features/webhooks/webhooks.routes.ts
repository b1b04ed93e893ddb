import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../container.js';
import { decrypt, encrypt } from '../../core/crypto.js';
import type { Db } from '../../db/client.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent, type StoredResponse } from '../idempotency/idempotency.service.js';
import { getDeliveryDetail, listDeliveries, replayDelivery, sendTestMessage } from './webhook-deliveries.service.js';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, updateEndpoint } from './webhook-endpoints.service.js';
import {
  createEndpointBody,
  deliveriesPage,
  deliveriesQuery,
  deliveryDetailResponse,
  deliveryIdParams,
  endpointIdParams,
  endpointResponse,
  endpointWithSecretResponse,
  rotateSecretBody,
  toDeliveryDetailJson,
  toDeliveryJson,
  toEndpointJson,
  updateEndpointBody,
} from './webhooks.schemas.js';

// Outbound webhooks (/webhook-endpoints; /webhooks/* is for inbound provider callbacks). Endpoint
// writes honour Idempotency-Key; the secret is in the answers of create and rotate-secret only (an
// Idempotency-Key replay answers it again; the stored copy of the answer holds it encrypted).
export const webhookRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['webhooks'];
  const withDb = (db: Db) => ({ db, clock: deps.clock, masterKey: deps.masterKey });
  const now = () => deps.clock.now();
  // The stored answer (Idempotency-Key) holds the secret encrypted; it is decrypted only on the way out.
  const revealSecret = (result: StoredResponse): StoredResponse => {
    const body = result.body as { secret?: unknown } | null;
    if (result.status >= 300 || !body || typeof body.secret !== 'string') return result;
    return { ...result, body: { ...body, secret: decrypt(body.secret, deps.masterKey) } };
  };

  app.get('/webhook-endpoints', { onRequest: access, schema: { tags, response: { 200: z.array(endpointResponse) } } }, async (request) =>
    (await listEndpoints(deps.db, actionContext(request).projectId)).map((e) => toEndpointJson(e, now())),
  );

  app.post('/webhook-endpoints', { onRequest: access, schema: { tags, body: createEndpointBody, response: { 201: endpointWithSecretResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      const { endpoint, secret } = await createEndpoint(withDb(db), ctx, request.body);
      return { status: 201, body: { ...toEndpointJson(endpoint, now()), secret: encrypt(secret, deps.masterKey) } };
    });
    return sendStored(reply, revealSecret(result));
  });

  app.get('/webhook-endpoints/:id', { onRequest: access, schema: { tags, params: endpointIdParams, response: { 200: endpointResponse } } }, async (request) =>
    toEndpointJson(await getEndpoint(deps.db, actionContext(request).projectId, request.params.id), now()),
  );

  app.patch(
    '/webhook-endpoints/:id',
    { onRequest: access, schema: { tags, params: endpointIdParams, body: updateEndpointBody, response: { 200: endpointResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 200,
        body: toEndpointJson(await updateEndpoint(withDb(db), ctx, request.params.id, request.body), now()),
      }));
      return sendStored(reply, result);
    },
  );

  app.delete('/webhook-endpoints/:id', { onRequest: access, schema: { tags, params: endpointIdParams } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      await deleteEndpoint(withDb(db), ctx, request.params.id);
      return { status: 204, body: null };
    });
    return sendStored(reply, result);
  });

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    { onRequest: access, schema: { tags, params: endpointIdParams, body: rotateSecretBody, response: { 200: endpointWithSecretResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const overlapHours = request.body?.overlapHours ?? 24;
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
        const { endpoint, secret } = await rotateSecret(withDb(db), ctx, request.params.id, overlapHours);
        return { status: 200, body: { ...toEndpointJson(endpoint, now()), secret: encrypt(secret, deps.masterKey) } };
      });
      return sendStored(reply, revealSecret(result));
    },
  );

  app.post('/webhook-endpoints/:id/test', { onRequest: access, schema: { tags, params: endpointIdParams, response: { 200: deliveryDetailResponse } } }, async (request) => {
    const { endpoint, delivery, attempts } = await sendTestMessage(deps, actionContext(request).projectId, request.params.id);
    return toDeliveryDetailJson(delivery, endpoint.url, attempts);
  });

  app.get(
    '/webhook-endpoints/:id/deliveries',
    { onRequest: access, schema: { tags, params: endpointIdParams, querystring: deliveriesQuery, response: { 200: deliveriesPage } } },
    async (request) => {
      const page = await listDeliveries(deps, actionContext(request).projectId, request.params.id, request.query);
      return { data: page.rows.map(toDeliveryJson), cursor: page.cursor, hasMore: page.hasMore };
    },
  );

  app.get(
    '/webhook-endpoints/:id/deliveries/:deliveryId',
    { onRequest: access, schema: { tags, params: deliveryIdParams, response: { 200: deliveryDetailResponse } } },
    async (request) => {
      const { endpoint, delivery, attempts } = await getDeliveryDetail(deps, actionContext(request).projectId, request.params.id, request.params.deliveryId);
      return toDeliveryDetailJson(delivery, endpoint.url, attempts);
    },
  );

  app.post(
    '/webhook-endpoints/:id/deliveries/:deliveryId/replay',
    { onRequest: access, schema: { tags, params: deliveryIdParams, response: { 200: deliveryDetailResponse } } },
    async (request) => {
      const { endpoint, delivery, attempts } = await replayDelivery(deps, actionContext(request).projectId, request.params.id, request.params.deliveryId);
      return toDeliveryDetailJson(delivery, endpoint.url, attempts);
    },
  );
};
