import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../container.js';
import { requireKey } from '../../http/auth.js';
import { trackBody, trackResponse } from './events.schemas.js';
import { eventApiRoutes } from './events-api.routes.js';
import { trackHandler } from './track.handler.js';

// Browsers call /v1/track with the public key: allow any origin, never credentials.
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Authorization, Idempotency-Key, X-Request-ID',
  'access-control-max-age': '86400',
};

export const eventRoutes = (deps: AppDeps): FastifyPluginAsyncZod => async (app) => {
  const publicOrSecret = requireKey(deps.db, ['public', 'secret']);
  await app.register(eventApiRoutes(deps));

  app.options('/v1/track', async (_request, reply) => reply.headers(CORS_HEADERS).status(204).send());

  app.post(
    '/v1/track',
    {
      // CORS headers first so that error responses (401, 422) are readable by the browser too;
      // auth before body validation so unauthenticated callers learn nothing about the schema.
      onRequest: [async (_request, reply) => void reply.headers(CORS_HEADERS), publicOrSecret],
      config: { rateLimitBucket: 'track' },
      schema: { body: trackBody, response: { 200: trackResponse } },
    },
    trackHandler(deps),
  );
};
