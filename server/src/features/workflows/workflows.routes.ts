import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import type { Db } from '../../db/client.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { workflowGraphRoutes } from './workflow-graph.routes.js';
import {
  createWorkflowBody,
  fieldsQuery,
  fieldsResponse,
  listWorkflowsQuery,
  updateWorkflowBody,
  workflowIdParams,
  workflowJson,
  workflowPage,
} from './workflows.schemas.js';
import { createWorkflow, deleteWorkflow, getWorkflowDetail, listWorkflowPage, updateWorkflow, workflowFields, type WorkflowDeps } from './workflows.service.js';

// Workflows answer with bare resource JSON, as Plunk's do. Writes honour Idempotency-Key: the
// service writes through the key's transaction (`db`). Steps and transitions: workflow-graph.routes.ts.

export type WorkflowWrite = (request: FastifyRequest, reply: FastifyReply, status: number, work: (d: WorkflowDeps) => Promise<unknown>) => Promise<FastifyReply>;

/** Runs a write once per Idempotency-Key and answers with what it returns (nothing for 204). */
export function idempotentWorkflowWrite(deps: AppDeps): WorkflowWrite {
  const withDb = (db: Db): WorkflowDeps => ({ db, clock: deps.clock });
  return async (request, reply, status, work) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      const body = await work(withDb(db));
      return { status, body: status === 204 ? null : body };
    });
    return sendStored(reply, result);
  };
}

export const workflowRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['workflows'];
  const write = idempotentWorkflowWrite(deps);

  app.get('/workflows', { onRequest: access, schema: { tags, querystring: listWorkflowsQuery, response: { 200: workflowPage } } }, async (request) =>
    listWorkflowPage(deps.db, actionContext(request).projectId, request.query),
  );

  app.get('/workflows/fields', { onRequest: access, schema: { tags, querystring: fieldsQuery, response: { 200: fieldsResponse } } }, async (request) =>
    workflowFields(deps.db, actionContext(request).projectId, request.query.eventName || undefined),
  );

  app.post('/workflows', { onRequest: access, schema: { tags, body: createWorkflowBody, response: { 201: workflowJson } } }, async (request, reply) =>
    write(request, reply, 201, (d) => createWorkflow(d, actionContext(request), request.body)),
  );

  app.get('/workflows/:id', { onRequest: access, schema: { tags, params: workflowIdParams, response: { 200: workflowJson } } }, async (request) =>
    getWorkflowDetail(deps.db, actionContext(request).projectId, request.params.id),
  );

  app.patch(
    '/workflows/:id',
    { onRequest: access, schema: { tags, params: workflowIdParams, body: updateWorkflowBody, response: { 200: workflowJson } } },
    async (request, reply) => write(request, reply, 200, (d) => updateWorkflow(d, actionContext(request), request.params.id, request.body)),
  );

  app.delete('/workflows/:id', { onRequest: access, schema: { tags, params: workflowIdParams } }, async (request, reply) =>
    write(request, reply, 204, (d) => deleteWorkflow(d, actionContext(request), request.params.id)),
  );

  await app.register(workflowGraphRoutes(deps, write));
};
