import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { requireSession, sessionUser } from '../../http/auth.js';
import type { UserActionContext } from './membership.service.js';
import {
  createdProjectResponse,
  okResponse,
  projectIdParams,
  projectKeysResponse,
  projectNameBody,
  projectSettingsBody,
  regeneratedKeysResponse,
  toUserProjectJson,
  userProjectListResponse,
  userProjectResponse,
} from './user-projects.schemas.js';
import { createMyProject, deleteMyProject, getMyProject, getMyProjectKeys, listMyProjects, regenerateMyProjectKeys, updateMyProject } from './user-projects.service.js';

/** The audit context of a session request: the logged-in user is the actor. */
export function userContext(request: FastifyRequest): UserActionContext {
  return { actor: { type: 'user', id: sessionUser(request).id }, requestId: request.id, ip: request.ip };
}

// Dashboard-only (session cookie, never an API key); the service checks the caller's role in the :id project.
export const userProjectRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const onRequest = requireSession(deps);
  const tags = ['projects'];
  const security: never[] = [];

  app.get('/users/@me/projects', { onRequest, schema: { tags, security, response: { 200: userProjectListResponse } } }, async (request) =>
    (await listMyProjects(deps, sessionUser(request).id)).map(toUserProjectJson),
  );

  app.post('/users/@me/projects', { onRequest, schema: { tags, security, body: projectNameBody, response: { 201: createdProjectResponse } } }, async (request, reply) => {
    const created = await createMyProject(deps, userContext(request), request.body.name);
    return reply.status(201).send({ ...created, createdAt: created.createdAt.toISOString() });
  });

  app.get('/users/@me/projects/:id', { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: userProjectResponse } } }, async (request) =>
    toUserProjectJson(await getMyProject(deps, sessionUser(request).id, request.params.id)),
  );

  // Name and settings (tracking mode, postal address for marketing footers, hosted-page language): ADMIN+.
  app.patch(
    '/users/@me/projects/:id',
    { onRequest, schema: { tags, security, params: projectIdParams, body: projectSettingsBody, response: { 200: userProjectResponse } } },
    async (request) => toUserProjectJson(await updateMyProject(deps, userContext(request), request.params.id, request.body)),
  );

  app.delete('/users/@me/projects/:id', { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: okResponse } } }, async (request) => {
    await deleteMyProject(deps, userContext(request), request.params.id);
    return { success: true as const };
  });

  app.get('/users/@me/projects/:id/keys', { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: projectKeysResponse } } }, async (request) => {
    const keys = await getMyProjectKeys(deps, sessionUser(request).id, request.params.id);
    return { ...keys, rotatedAt: keys.rotatedAt.toISOString() };
  });

  app.post(
    '/users/@me/projects/:id/regenerate-keys',
    { onRequest, schema: { tags, security, params: projectIdParams, response: { 200: regeneratedKeysResponse } } },
    async (request) => {
      const rotated = await regenerateMyProjectKeys(deps, userContext(request), request.params.id);
      return { ...rotated, createdAt: rotated.createdAt.toISOString(), updatedAt: rotated.updatedAt.toISOString() };
    },
  );
};
