import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';

const INDEX = new URL('../../../../dashboard/dist/index.html', import.meta.url);

/** The dashboard placeholder at `/` (the SPA replaces it). */
export const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const html = await readFile(INDEX, 'utf8').catch(() => '<!doctype html><title>Mailwright</title><p>Mailwright API is running.</p>');
    return reply.type('text/html; charset=utf-8').send(html);
  });
};
