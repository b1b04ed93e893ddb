import { readCsvUpload } from '../../http/csv-upload.js';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { AppError } from '../../core/errors.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { jobIdParams, jobQueuedResponse, jobStatusResponse } from '../jobs-status/background-jobs.schemas.js';
import { getJobStatus } from '../jobs-status/background-jobs.service.js';
import { IMPORT_JOB_TYPE, MAX_IMPORT_BYTES, queueContactImport } from './contact-import.service.js';

const TOO_LARGE = () => new AppError('PAYLOAD_TOO_LARGE', 'CSV file must be at most 5 MB');


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
