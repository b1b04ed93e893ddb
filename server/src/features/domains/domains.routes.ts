import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { actionContext, requireProjectAccess } from '../../http/auth.js';
import { idempotentRequest, sendStored } from '../../http/idempotency.js';
import { runIdempotent } from '../idempotency/idempotency.service.js';
import { verifyDomain } from './domain-verification.service.js';
import { createDomainBody, domainIdParams, domainListResponse, domainProjectParams, domainResponse, toDomainJson } from './domains.schemas.js';
import { createDomain, deleteDomain, getDomain, listDomains, listDomainsOfProject } from './domains.service.js';

// Sending domains (DECISIONS §6). Reading and verifying is for every member; adding and removing
// a domain changes what the project may send, so sessions need ADMIN (API keys act as the project).
export const domainRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const member = requireProjectAccess(deps);
  const admin = requireProjectAccess(deps, 'ADMIN');
  const tags = ['domains'];

  app.get('/domains', { onRequest: member, schema: { tags, response: { 200: domainListResponse } } }, async (request) =>
    (await listDomains(deps.db, actionContext(request).projectId)).map(toDomainJson),
  );

  app.get('/domains/project/:projectId', { onRequest: member, schema: { tags, params: domainProjectParams, response: { 200: domainListResponse } } }, async (request) =>
    (await listDomainsOfProject(deps.db, actionContext(request).projectId, request.params.projectId)).map(toDomainJson),
  );

  app.get('/domains/:id', { onRequest: member, schema: { tags, params: domainIdParams, response: { 200: domainResponse } } }, async (request) =>
    toDomainJson(await getDomain(deps.db, actionContext(request).projectId, request.params.id)),
  );

  app.get('/domains/:id/verify', { onRequest: member, schema: { tags, params: domainIdParams, response: { 200: domainResponse } } }, async (request) =>
    toDomainJson(await verifyDomain(deps, actionContext(request), request.params.id)),
  );

  app.post('/domains', { onRequest: admin, schema: { tags, body: createDomainBody, response: { 201: domainResponse } } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => ({
      status: 201,
      body: toDomainJson(await createDomain({ ...deps, db }, ctx, request.body)),
    }));
    return sendStored(reply, result);
  });

  app.delete('/domains/:id', { onRequest: admin, schema: { tags, params: domainIdParams } }, async (request, reply) => {
    const ctx = actionContext(request);
    const result = await runIdempotent(deps.database, idempotentRequest(request, ctx.projectId), async (db) => {
      await deleteDomain({ db }, ctx, request.params.id);
      return { status: 204, body: null };
    });
    return sendStored(reply, result);
  });
};
