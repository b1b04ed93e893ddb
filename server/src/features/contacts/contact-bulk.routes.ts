import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { jobIdParams, jobQueuedResponse, jobStatusResponse } from '../jobs-status/background-jobs.schemas.js';
import { getJobStatus } from '../jobs-status/background-jobs.service.js';
import { bulkActionBody } from './contact-bulk.schemas.js';
import { BULK_JOB_TYPES, queueBulkAction, type BulkOperation } from './contact-bulk.service.js';

const OPERATIONS: BulkOperation[] = ['subscribe', 'unsubscribe', 'delete'];

export const contactBulkRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const secret = requireProjectAccess(deps);

  for (const operation of OPERATIONS) {
    app.post(
      `/contacts/bulk-${operation}`,
      { onRequest: secret, config: { rateLimitBucket: 'contacts:write' }, schema: { body: bulkActionBody, response: { 202: jobQueuedResponse } } },
      async (request, reply) => {
        const ctx = actionContext(request);
        const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
          const { jobId } = await queueBulkAction({ db, queue: deps.queue }, ctx, operation, request.body);
          return { status: 202, body: { message: `Bulk ${operation} queued successfully`, jobId } };
        });
        return sendStored(reply, result);
      },
    );
  }

  app.get('/contacts/bulk/:jobId', { onRequest: secret, schema: { params: jobIdParams, response: { 200: jobStatusResponse } } }, async (request) =>
    getJobStatus(deps.db, actionContext(request).projectId, request.params.jobId, BULK_JOB_TYPES),
  );
};
