import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { createRequestLogWriter, type RequestLogEntry, type RequestLogOptions } from '../features/activity/request-log.service.js';

declare module 'fastify' {
  interface FastifyReply {
    /** The error code http/errors.ts answered with, for the request log. */
    errorCode: string | null;
  }
}

const AUTH_TYPES = { secret: 'secret_key', public: 'public_key', session: 'session' } as const;

/** The SPA shell, its assets and probes: not API calls. */
function skipped(path: string): boolean {
  return path === '/' || path === '/health' || path === '/config' || path.startsWith('/assets/');
}

export function requestLogEntry(request: FastifyRequest, reply: FastifyReply, at: Date): RequestLogEntry | null {
  const auth = request.auth;
  const projectId = auth?.project?.id ?? null;
  const userId = auth?.user?.id ?? null;
  // Calls nobody could be identified for (scanners, bad keys) belong to no project's log.
  if (!projectId && !userId) return null;
  const url = request.originalUrl;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (skipped(path)) return null;
  const ua = request.headers['user-agent'];
  return {
    requestId: request.id,
    projectId,
    userId,
    method: request.method,
    path,
    status: reply.statusCode,
    durationMs: reply.elapsedTime,
    authType: auth ? AUTH_TYPES[auth.kind] : null,
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null,
    errorCode: reply.errorCode,
    at,
  };
}

/**
 * The API request log: one row per answered call (method, path without query, status, duration,
 * auth kind, IP), written in batches after the response so it never delays one.
 */
export function registerRequestLog(
  app: FastifyInstance,
  deps: { database: Database; log: Logger; clock: { now(): Date }; config: { requestLog: { enabled: boolean } } },
  opts?: RequestLogOptions,
) {
  app.decorateReply('errorCode', null);
  if (!deps.config.requestLog.enabled) return;
  const writer = createRequestLogWriter(deps, opts);
  app.addHook('onResponse', (request, reply, done) => {
    try {
      const entry = requestLogEntry(request, reply, deps.clock.now());
      if (entry) writer.record(entry);
    } catch (err) {
      request.log.error({ err }, 'request log: could not record request');
    }
    done();
  });
  app.addHook('onClose', async () => writer.close());
}
