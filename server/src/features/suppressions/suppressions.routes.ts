import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError, validationError } from '../../core/errors.js';
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

/** The CSV text of a `multipart/form-data` upload (field `file`) or of a raw `text/csv` body. */
async function readCsvUpload(request: FastifyRequest): Promise<string> {
  if (typeof request.body === 'string') return request.body;
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV as multipart/form-data (field "file") or as text/csv');
  let buffer: Buffer | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file' && part.fieldname === 'file' && !buffer) buffer = await part.toBuffer();
      else if (part.type === 'file') part.file.resume();
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw TOO_LARGE();
    throw err;
  }
  if (!buffer) throw validationError([{ field: 'file', message: 'A CSV file is required in the "file" field', code: 'invalid_type' }]);
  return buffer.toString('utf8');
}

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
