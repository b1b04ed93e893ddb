import type {} from 'fastify';
import type { RateLimitBucket } from '../config.js';

// Per-route options read by cross-cutting hooks (the rate limiter reads `rateLimitBucket`).
// Routes set them with `config: { … }`; hooks read `request.routeOptions.config`.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Token bucket shared by the routes that name it (http/rate-limit.ts); unset → not rate limited. */
    rateLimitBucket?: RateLimitBucket;
    /** The path holds a credential (a signed link token): request logs show the route pattern instead. */
    logRoutePattern?: boolean;
  }
}

export {};
