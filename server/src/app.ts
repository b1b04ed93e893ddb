import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './container.js';
import { activityRoutes } from './features/activity/activity.routes.js';
import { campaignRoutes } from './features/campaigns/campaigns.routes.js';
import { adminRoutes } from './features/admin/admin.routes.js';
import { contactRoutes } from './features/contacts/contacts.routes.js';
import { domainRoutes } from './features/domains/domains.routes.js';
import { emailRoutes } from './features/emails/emails.routes.js';
import { eventRoutes } from './features/events/events.routes.js';
import { healthRoutes } from './features/health/health.routes.js';
import { hostedPageRoutes } from './features/hosted-pages/hosted-pages.routes.js';
import { segmentRoutes } from './features/segments/segments.routes.js';
import { templateRoutes } from './features/templates/templates.routes.js';
import { trackingRoutes } from './features/tracking/tracking.routes.js';
import { workflowExecutionRoutes } from './features/workflows/executions.routes.js';
import { workflowRoutes } from './features/workflows/workflows.routes.js';
import { memberRoutes } from './features/projects/members.routes.js';
import { userProjectRoutes } from './features/projects/user-projects.routes.js';
import { userRoutes } from './features/users/users.routes.js';
import { snsRoutes } from './features/sns/sns.routes.js';
import { reputationRoutes } from './features/suppressions/reputation.routes.js';
import { billingRoutes } from './features/billing/billing.routes.js';
import { suppressionRoutes } from './features/suppressions/suppressions.routes.js';
import { webhookRoutes } from './features/webhooks/webhooks.routes.js';
import { registerErrorHandling } from './http/errors.js';
import { registerOpenApi } from './http/openapi.js';
import { registerRateLimit } from './http/rate-limit.js';
import { requestIdFor } from './http/request-id.js';
import { registerRequestLog } from './http/request-log.js';
import { registerSpa, type Spa } from './http/spa.js';

export interface AppOptions {
  /** Enables the loopback admin routes the CLI uses in embedded mode. */
  adminToken?: string;
}

export async function buildApp(deps: AppDeps, opts: AppOptions = {}) {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    genReqId: requestIdFor,
    // We log one line per request ourselves (onResponse), with the path only.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    // Attachments arrive base64-encoded inside JSON (10 MB decoded ≈ 13.4 MB encoded).
    bodyLimit: 15 * 1024 * 1024,
    // Short keep-alive so a graceful shutdown is not held open by idle clients.
    keepAliveTimeout: 5_000,
    // Off unless TRUST_PROXY says which proxies to believe: the client IP drives login throttling.
    // (Fastify accepts a hop count at runtime; its types omit number.)
    trustProxy: deps.config.trustProxy as boolean | string[],
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const spa: { current?: Spa } = {};
  registerErrorHandling(app, (request, reply) => spa.current?.serveIndex(request, reply));
  await app.register(fastifyCookie);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-ID', request.id);
  });
  // One structured line per request; the URL path only (query strings may carry secrets).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.config?.logRoutePattern ? request.routeOptions.url : request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        auth: request.auth?.kind,
        projectId: request.auth?.project?.id,
        userId: request.auth?.user?.id,
      },
      'request',
    );
  });

  registerRequestLog(app, deps);
  registerRateLimit(app, deps.rateLimiter, deps.config.rateLimit.buckets);

  await registerOpenApi(app);
  spa.current = await registerSpa(app);
  await app.register(healthRoutes(deps));
  await app.register(eventRoutes(deps));
  await app.register(emailRoutes(deps));
  await app.register(contactRoutes(deps));
  await app.register(templateRoutes(deps));
  await app.register(segmentRoutes(deps));
  await app.register(campaignRoutes(deps));
  await app.register(workflowRoutes(deps));
  await app.register(workflowExecutionRoutes(deps));
  await app.register(domainRoutes(deps));
  await app.register(activityRoutes(deps));
  await app.register(userProjectRoutes(deps));
  await app.register(memberRoutes(deps));
  await app.register(userRoutes(deps));
  await app.register(snsRoutes(deps));
  await app.register(suppressionRoutes(deps));
  await app.register(reputationRoutes(deps));
  await app.register(billingRoutes(deps));
  await app.register(trackingRoutes(deps));
  await app.register(hostedPageRoutes(deps));
  await app.register(webhookRoutes(deps));
  if (opts.adminToken) await app.register(adminRoutes(deps, opts.adminToken));
  return app;
}
