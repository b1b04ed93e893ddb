import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';

export const healthRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/health', async (_request, reply) => {
    const database = await deps.database.ping().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    );
    const queue = deps.queue.healthy() ? ('ok' as const) : ('unavailable' as const);
    const ok = database === 'ok' && queue === 'ok';
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      database,
      queue,
      databaseKind: deps.database.kind,
      transport: deps.transport.name,
      uptime: Math.round(process.uptime()),
      time: new Date().toISOString(),
    });
  });
};
