import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError, validationError } from '../../core/errors.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { jobIdParams, jobQueuedResponse, jobStatusResponse } from '../jobs-status/background-jobs.schemas.js';
import { getJobStatus } from '../jobs-status/background-jobs.service.js';
import { IMPORT_JOB_TYPE, MAX_IMPORT_BYTES, queueContactImport } from './contact-import.service.js';

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

export const contactImportRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);
  // Both parsers exist only inside this plugin: other routes keep refusing these content types.
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 2, fields: 20, parts: 30 } });
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    '/contacts/import',
    { onRequest: secret, config: { rateLimitBucket: 'contacts:write' }, schema: { response: { 202: jobQueuedResponse } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const csv = await readCsvUpload(request);
      if (Buffer.byteLength(csv) > MAX_IMPORT_BYTES) throw TOO_LARGE();
      const idem = idempotentRequest(request, ctx.projectId);
      // The key's fingerprint covers the file itself (a multipart body is not in request.body).
      const result = await runIdempotent(deps.database, idem && { ...idem, body: { csv } }, async (db) => {
        const { jobId } = await queueContactImport({ db, queue: deps.queue }, ctx, csv);
        return { status: 202, body: { message: 'Import queued successfully', jobId } };
      });
      return sendStored(reply, result);
    },
  );

  app.get('/contacts/import/:jobId', { onRequest: secret, schema: { params: jobIdParams, response: { 200: jobStatusResponse } } }, async (request) =>
    getJobStatus(deps.db, actionContext(request).projectId, request.params.jobId, [IMPORT_JOB_TYPE]),
  );
};
