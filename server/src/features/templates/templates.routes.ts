import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireKey } from '../../http/auth.js';
import {
  bulkUpdateBody,
  createTemplateBody,
  listTemplatesQuery,
  templateIdParams,
  templatePageResponse,
  templateResponse,
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
export const templateRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireKey(deps.db, ['secret']);
  const tags = ['templates'];

  app.get('/templates', { onRequest: secret, schema: { tags, querystring: listTemplatesQuery, response: { 200: templatePageResponse } } }, async (request) =>
    listTemplatePage(deps.db, actionContext(request).projectId, request.query),
  );

  app.get('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams, response: { 200: templateResponse } } }, async (request) =>
    getTemplate(deps.db, actionContext(request).projectId, request.params.id),
  );

  app.post('/templates', { onRequest: secret, schema: { tags, body: createTemplateBody, response: { 201: templateResponse } } }, async (request, reply) => {
    const template = await createTemplate(deps.db, actionContext(request), request.body);
    return reply.status(201).send(template);
  });

  app.patch('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams, body: updateTemplateBody, response: { 200: templateResponse } } }, async (request) =>
    updateTemplate(deps.db, actionContext(request), request.params.id, request.body),
  );

  app.delete('/templates/:id', { onRequest: secret, schema: { tags, params: templateIdParams } }, async (request, reply) => {
    await deleteTemplate(deps.db, actionContext(request), request.params.id);
    return reply.status(204).send();
  });

  app.post(
    '/templates/bulk-update',
    { onRequest: secret, schema: { tags, body: bulkUpdateBody, response: { 200: z.object({ deleted: z.number(), ids: z.array(z.string()) }) } } },
    async (request) => bulkDeleteTemplates(deps.db, actionContext(request), request.body.ids),
  );

  app.post('/templates/:id/duplicate', { onRequest: secret, schema: { tags, params: templateIdParams, response: { 201: templateResponse } } }, async (request, reply) => {
    const template = await duplicateTemplate(deps.db, actionContext(request), request.params.id);
    return reply.status(201).send(template);
  });

  app.get('/templates/:id/usage', { onRequest: secret, schema: { tags, params: templateIdParams } }, async (request) =>
    getTemplateUsage(deps.db, actionContext(request).projectId, request.params.id),
  );
};
