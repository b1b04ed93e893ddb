import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { exportQuery } from './contact-bulk.schemas.js';
import { exportContactsCsv, exportFileName } from './contact-export.service.js';

export const contactExportRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);

  // Streamed: rows are read page by page as the client consumes the response.
  app.get('/contacts/export', { onRequest: secret, schema: { querystring: exportQuery } }, async (request, reply) => {
    const { projectId } = actionContext(request);
    const { search, subscribed } = request.query;
    const csv = exportContactsCsv(deps.db, { projectId, search: search || undefined, subscribed: subscribed === undefined ? undefined : subscribed === 'true' });
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${exportFileName()}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(Readable.from(csv));
  });
};
