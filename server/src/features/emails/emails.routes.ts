import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionContext, requireKey, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import type { AppDeps } from '../../container.js';
import { emailIdParams, emailPage, listEmailsQuery, sendBody, sendResponse } from './emails.schemas.js';
import { getEmail, getInboxMessage, listEmails, listInbox } from './emails.service.js';
import { acceptSendThroughBatch } from './send-batcher.js';
import { acceptSend } from './send.service.js';

export const emailRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);
  // /v1/* is for API keys only: a dashboard session never sends mail through it.
  const secretKey = requireKey(deps.db, ['secret']);

  app.post('/v1/send', { onRequest: secretKey, config: { rateLimitBucket: 'send' }, schema: { body: sendBody, response: { 200: sendResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const idempotent = idempotentRequest(request, ctx.projectId);
    // Without a key, concurrent sends share a transaction; with one, the send commits with its key.
    if (!idempotent) return { success: true as const, data: await acceptSendThroughBatch(deps, ctx, request.body) };
    const result = await runIdempotent(deps.database, idempotent, async (db) => ({
      status: 200,
      body: { success: true as const, data: await acceptSend({ ...deps, db }, ctx, request.body) },
    }));
    return sendStored(reply, result);
  });

  app.get('/emails', { onRequest: secret, schema: { querystring: listEmailsQuery, response: { 200: emailPage } } }, async (request) =>
    listEmails(deps, actionContext(request).projectId, request.query),
  );

  app.get('/emails/:id', { onRequest: secret, schema: { params: emailIdParams } }, async (request) =>
    getEmail(deps, actionContext(request).projectId, request.params.id),
  );

  app.get('/inbox', { onRequest: secret, schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) } }, async (request) => ({
    data: await listInbox(deps.db, actionContext(request).projectId, request.query.limit),
  }));

  app.get('/inbox/:id', { onRequest: secret, schema: { params: emailIdParams } }, async (request) =>
    getInboxMessage(deps.db, actionContext(request).projectId, request.params.id),
  );
};
