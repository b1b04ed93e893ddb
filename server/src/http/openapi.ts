import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * One OpenAPI 3.1 document built from every route's zod schemas, served at /openapi.json and
 * committed as sdk/openapi.json (the SDK is generated from it; a test fails when it is stale).
 * Register before the routes: the plugin collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mailwright API',
        version: '0.1.0',
        description: 'Self-hostable email platform, API-compatible with Plunk. Authenticate with `Authorization: Bearer <key>`.',
      },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'Project secret key (sk_…): every key-authenticated route.' },
          publicKey: { type: 'http', scheme: 'bearer', description: 'Project public key (pk_…): POST /v1/track only.' },
        },
      },
      security: [{ secretKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
