import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import {
  cancelAllResponse,
  executionDetail,
  executionJson,
  executionPage,
  executionParams,
  listExecutionsQuery,
  startExecutionBody,
  stepCountsResponse,
} from './executions.schemas.js';
import { cancelAllExecutions, cancelExecution, getExecutionDetail, listExecutionPage, startManualExecution, stepExecutionCounts } from './executions.service.js';
import { idempotentWorkflowWrite } from './workflows.routes.js';
import { workflowIdParams } from './workflows.schemas.js';

// A workflow's executions: manual start, list, detail, cancel one or all, per-step counts.

export const workflowExecutionRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['workflows'];
  const write = idempotentWorkflowWrite(deps);

  app.post(
    '/workflows/:id/executions',
    { onRequest: access, schema: { tags, params: workflowIdParams, body: startExecutionBody, response: { 201: executionJson } } },
    async (request, reply) => {
      const ctx = actionContext(request);
      const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
        status: 201,
        body: await startManualExecution({ db, queue: deps.queue, clock: deps.clock }, ctx, request.params.id, request.body),
      }));
      return sendStored(reply, result);
    },
  );

  app.get(
    '/workflows/:id/executions',
    { onRequest: access, schema: { tags, params: workflowIdParams, querystring: listExecutionsQuery, response: { 200: executionPage } } },
    async (request) => listExecutionPage(deps.db, actionContext(request).projectId, request.params.id, request.query),
  );

  app.post(
    '/workflows/:id/executions/cancel-all',
    { onRequest: access, schema: { tags, params: workflowIdParams, response: { 200: cancelAllResponse } } },
    async (request, reply) => write(request, reply, 200, (d) => cancelAllExecutions(d, actionContext(request), request.params.id)),
  );

  app.get(
    '/workflows/:id/executions/:executionId',
    { onRequest: access, schema: { tags, params: executionParams, response: { 200: executionDetail } } },
    async (request) => getExecutionDetail(deps.db, actionContext(request).projectId, request.params.id, request.params.executionId),
  );

  app.delete(
    '/workflows/:id/executions/:executionId',
    { onRequest: access, schema: { tags, params: executionParams, response: { 200: executionJson } } },
    async (request, reply) => write(request, reply, 200, (d) => cancelExecution(d, actionContext(request), request.params.id, request.params.executionId)),
  );

  app.get(
    '/workflows/:id/step-execution-counts',
    { onRequest: access, schema: { tags, params: workflowIdParams, response: { 200: stepCountsResponse } } },
    async (request) => stepExecutionCounts(deps.db, actionContext(request).projectId, request.params.id),
  );
};
