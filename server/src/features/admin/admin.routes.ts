import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { safeEqual } from '../../core/crypto.js';
import { AppError } from '../../core/errors.js';
import type { AppDeps } from '../../container.js';
import { emailAddress } from '../emails/emails.schemas.js';
import { createProject, getProjectKeys, listProjects, rotateProjectKeys } from '../projects/projects.service.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const cli = { actor: { type: 'cli' as const } };

export const createProjectBody = z.object({
  name: z.string().trim().min(1).max(100),
  defaultFrom: emailAddress.optional(),
  defaultFromName: z.string().max(100).optional(),
});

/** Loopback-only routes the CLI uses while the embedded server holds the database. */
export const adminRoutes = (deps: AppDeps, token: string): FastifyPluginAsyncZod => async (app) => {
  // Internal to this machine: not part of the public API document.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  app.addHook('onRequest', async (request) => {
    const given = request.headers['x-admin-token'];
    const ok = LOOPBACK.has(request.socket.remoteAddress ?? '') && typeof given === 'string' && safeEqual(Buffer.from(given), Buffer.from(token));
    if (!ok) throw new AppError('NOT_FOUND', `Unknown route: ${request.method} ${request.url}`);
  });

  app.get('/admin/projects', async () => ({ data: await listProjects(deps) }));
  app.post('/admin/projects', { schema: { body: createProjectBody } }, async (request) => createProject(deps, cli, request.body));
  app.get('/admin/projects/:id/keys', { schema: { params: z.object({ id: z.uuid() }) } }, async (request) => getProjectKeys(deps, request.params.id));
  app.post('/admin/projects/:id/rotate-keys', { schema: { params: z.object({ id: z.uuid() }) } }, async (request) =>
    rotateProjectKeys(deps, cli, request.params.id),
  );
};
