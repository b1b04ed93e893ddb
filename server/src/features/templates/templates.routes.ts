import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import {
  bulkUpdateBody,
  createTemplateBody,
  listTemplatesQuery,
  templateIdParams,
  templatePageResponse,
  templateResponse,
  toTemplateJson,
  updateTemplateBody,
} from './templates.schemas.js';
import {
  bulkDeleteTemplates,
  createTemplate,
  deleteTemplate,
  duplicateTemplate,
  getTemplate,
  getTemplateUsage,
  listTemplatePage,
  updateTemplate,
} from './templates.service.js';

// Resource routes answer with bare JSON (no `{success, data}` wrapper), as Plunk's templates routes do.
// Every write honours Idempotency-Key: the service writes through the key's transaction (`db`).
export const templateRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);
  const tags = ['templates'];

  app.get('/templates', { onRequest: secret, schema: { tags, querystring: listTemplatesQuery, response: { 200: templatePageResponse } } }, async (request) => {
    const page = await listTemplatePage(deps.db, actionContext(request).projectId, request.query);
    return { ...page, data: page.data.map(toTemplateJson) };
  });

  app.get('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams, response: { 200: templateResponse } } }, async (request) =>
    toTemplateJson(await getTemplate(deps.db, actionContext(request).projectId, request.params.id)),
  );

  app.post('/templates', { onRequest: secret, schema: { tags, body: createTemplateBody, response: { 201: templateResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 201,
      body: toTemplateJson(await createTemplate(db, ctx, request.body)),
    }));
    return sendStored(reply, result);
  });

  app.patch('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams, body: updateTemplateBody, response: { 200: templateResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 200,
      body: toTemplateJson(await updateTemplate(db, ctx, request.params.id, request.body)),
    }));
    return sendStored(reply, result);
  });

  app.delete('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      await deleteTemplate(db, ctx, request.params.id);
      return { status: 204, body: null };
    });
    return sendStored(reply, result);
  });

  app.post(
    '/templates/bulk-update',
    { onRequest: secret, schema: { tags, body: bulkUpdateBody, response: { 200: z.object({ deleted: z.number(), ids: z.array(z.string()) }) } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 200,
        body: await bulkDeleteTemplates(db, ctx, request.body.ids),
      }));
      return sendStored(reply, result);
    },
  );

  app.post('/templates/:id/duplicate', { onRequest: secret, schema: { tags, params: templateIdParams, response: { 201: templateResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 201,
      body: toTemplateJson(await duplicateTemplate(db, ctx, request.params.id)),
    }));
    return sendStored(reply, result);
  });

  app.get('/templates/:id/usage', { onRequest: secret, schema: { tags, params: templateIdParams } }, async (request) =>
    getTemplateUsage(deps.db, actionContext(request).projectId, request.params.id),
  );
};
