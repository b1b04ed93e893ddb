import { readCsvUpload } from '../../http/csv-upload.js';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError } from '../../core/errors.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { importSuppressions, MAX_SUPPRESSION_IMPORT_BYTES } from './suppression-import.service.js';
import {
  addSuppressionBody,
  importResponse,
  listSuppressionsQuery,
  removedResponse,
  suppressionEmailParams,
  suppressionJson,
  suppressionPage,
} from './suppressions.schemas.js';
import { addSuppression, listSuppressions, removeSuppression, toSuppressionJson } from './suppressions.service.js';

const TOO_LARGE = () => new AppError('PAYLOAD_TOO_LARGE', 'CSV file must be at most 5 MB');


// The per-project suppression list (secret key, or session + X-Project-Id). Not Plunk's `/suppressions`
// QA capture rules, which are a different feature.
export const suppressionRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['suppressions'];
  await app.register(multipart, { limits: { fileSize: MAX_SUPPRESSION_IMPORT_BYTES, files: 2, fields: 20, parts: 30 } });
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: MAX_SUPPRESSION_IMPORT_BYTES }, (_request, body, done) => done(null, body));

  app.get('/suppression-list', { onRequest: access, schema: { tags, querystring: listSuppressionsQuery, response: { 200: suppressionPage } } }, async (request) =>
    listSuppressions(deps, actionContext(request).projectId, request.query),
  );

  app.post(
    '/suppression-list',
    { onRequest: access, schema: { tags, body: addSuppressionBody, response: { 200: suppressionJson, 201: suppressionJson } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
        const { row, created } = await addSuppression({ db }, ctx, request.body);
        return { status: created ? 201 : 200, body: toSuppressionJson(row) };
      });
      return sendStored(reply, result);
    },
  );

  app.post('/suppression-list/import', { onRequest: access, schema: { tags, response: { 200: importResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const csv = await readCsvUpload(request);
    if (Buffer.byteLength(csv) > MAX_SUPPRESSION_IMPORT_BYTES) throw TOO_LARGE();
    // The key's fingerprint covers the file itself (a multipart body is not in request.body).
    const idem = idempotentRequest(request, ctx.projectId);
    const result = await runIdempotent(deps.database, idem && { ...idem, body: { csv } }, async (db) => ({
      status: 200,
      body: await importSuppressions({ db }, ctx, csv),
    }));
    return sendStored(reply, result);
  });

  app.delete(
    '/suppression-list/:email',
    { onRequest: access, schema: { tags, params: suppressionEmailParams, response: { 200: removedResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
        const removed = await removeSuppression({ db }, ctx, request.params.email);
        return { status: 200, body: { success: true as const, email: removed.email } };
      });
      return sendStored(reply, result);
    },
  );
};
