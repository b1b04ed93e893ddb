import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { addTransition, deleteTransition } from './workflow-graph.service.js';
import { addStep, deleteStep, insertStepOnEdge, updateStep } from './workflow-steps.service.js';
import type { WorkflowWrite } from './workflows.routes.js';
import {
  createStepBody,
  createTransitionBody,
  deleteStepQuery,
  insertStepBody,
  insertStepResponse,
  stepJson,
  stepParams,
  transitionJson,
  transitionParams,
  updateStepBody,
  workflowIdParams,
} from './workflows.schemas.js';

// A workflow's steps and transitions. Structural rules: workflow-graph.service.ts (400 INVALID_WORKFLOW_GRAPH).

export const workflowGraphRoutes = (deps: AppDeps, write: WorkflowWrite): FastifyPluginAsyncZod => async (app) => {
  const access = requireProjectAccess(deps);
  const tags = ['workflows'];

  app.post(
    '/workflows/:id/steps',
    { onRequest: access, schema: { tags, params: workflowIdParams, body: createStepBody, response: { 201: stepJson } } },
    async (request, reply) => write(request, reply, 201, (d) => addStep(d, actionContext(request), request.params.id, request.body)),
  );

  app.patch(
    '/workflows/:id/steps/:stepId',
    { onRequest: access, schema: { tags, params: stepParams, body: updateStepBody, response: { 200: stepJson } } },
    async (request, reply) => write(request, reply, 200, (d) => updateStep(d, actionContext(request), request.params.id, request.params.stepId, request.body)),
  );

  app.delete('/workflows/:id/steps/:stepId', { onRequest: access, schema: { tags, params: stepParams, querystring: deleteStepQuery } }, async (request, reply) =>
    write(request, reply, 204, (d) => deleteStep(d, actionContext(request), request.params.id, request.params.stepId, request.query.splice === 'true')),
  );

  app.post(
    '/workflows/:id/transitions',
    { onRequest: access, schema: { tags, params: workflowIdParams, body: createTransitionBody, response: { 201: transitionJson } } },
    async (request, reply) => write(request, reply, 201, (d) => addTransition(d, actionContext(request), request.params.id, request.body)),
  );

  app.delete('/workflows/:id/transitions/:transitionId', { onRequest: access, schema: { tags, params: transitionParams } }, async (request, reply) =>
    write(request, reply, 204, (d) => deleteTransition(d, actionContext(request), request.params.id, request.params.transitionId)),
  );

  app.post(
    '/workflows/:id/transitions/:transitionId/insert-step',
    { onRequest: access, schema: { tags, params: transitionParams, body: insertStepBody, response: { 201: insertStepResponse } } },
    async (request, reply) =>
      write(request, reply, 201, (d) => insertStepOnEdge(d, actionContext(request), request.params.id, request.params.transitionId, request.body)),
  );
};
