import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldError } from '../core/errors.js';
import { redactKeys } from '../features/keys/keys.js';

// The only place that turns errors into HTTP responses.

const STATUS: Record<ErrorCode, number> = {
  MISSING_AUTH: 401,
  INVALID_API_KEY: 401,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  INVALID_CREDENTIALS: 401,
  SIGNUPS_DISABLED: 403,
  EMAIL_TAKEN: 409,
  INVALID_TOKEN: 400,
  PROJECT_DISABLED: 403,
  DOMAIN_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  CONTACT_NOT_FOUND: 404,
  EMAIL_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  CAMPAIGN_NOT_FOUND: 404,
  WORKFLOW_NOT_FOUND: 404,
  WORKFLOW_STEP_NOT_FOUND: 404,
  WORKFLOW_TRANSITION_NOT_FOUND: 404,
  WORKFLOW_EXECUTION_NOT_FOUND: 404,
  // A change that would break a structural rule (second trigger, self-loop, cycle, edge out of EXIT…).
  INVALID_WORKFLOW_GRAPH: 400,
  WORKFLOW_NOT_ENABLED: 409,
  WORKFLOW_REENTRY_NOT_ALLOWED: 409,
  WORKFLOW_ALREADY_RUNNING: 409,
  WEBHOOK_ENDPOINT_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  // A category's monthly limit is used up (distinct from RATE_LIMIT_EXCEEDED: waiting a second won't help).
  BILLING_LIMIT_EXCEEDED: 429,
  PROJECT_NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_MISMATCH: 422,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMIT_EXCEEDED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: AppError) {
  const statusCode = STATUS[err.code];
  reply.errorCode = err.code; // read by the request log (http/request-log.ts)
  const { errors, ...rest } = err.details ?? {};
  const message = redactKeys(err.message);
  const error: Record<string, unknown> = { code: err.code, message, statusCode, requestId: request.id };
  if (errors) error.errors = errors;
  if (Object.keys(rest).length) error.details = rest;
  if (typeof rest.retryAfter === 'number') reply.header('Retry-After', String(Math.max(1, Math.ceil(rest.retryAfter))));
  // Errors quote ids and paths from the request; a key pasted there must not be echoed back.
  const body = JSON.parse(redactKeys(JSON.stringify({ success: false, error, message })));
  return reply.status(statusCode).send(body);
}

function fromFastifyError(err: FastifyError): AppError | null {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext && err.validationContext !== 'body' ? `${err.validationContext}.` : '';
    const errors: FieldError[] = err.validation.map((v) => ({
      field: where + (v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)'),
      message: v.message ?? 'Invalid value',
      code: v.keyword,
    }));
    return new AppError('VALIDATION_ERROR', 'Request validation failed', { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BAD_REQUEST', 'Invalid JSON in request body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type; send application/json');
  }
  if (err instanceof SyntaxError) return new AppError('BAD_REQUEST', 'Invalid JSON in request body');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('BAD_REQUEST', err.message);
  return null;
}

// Connection failures and the server's shutdown/startup refusals (SQLSTATE classes 08 and 57P).
const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const DB_DOWN_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (shutting down|starting up)/i;

/** Drizzle wraps driver errors (DrizzleQueryError) and pg-boss rethrows them: look down the `cause` chain. */
export function isDatabaseDown(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (DB_DOWN_CODES.has((e as Error & { code?: string }).code ?? '') || DB_DOWN_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** `htmlFallback` answers browser navigations to client-side routes (the dashboard SPA). */
export function registerErrorHandling(app: FastifyInstance, htmlFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return sendError(reply, request, err);
    const mapped = fromFastifyError(err);
    if (mapped) return sendError(reply, request, mapped);
    if (isDatabaseDown(err)) {
      request.log.error({ err }, 'database unavailable');
      reply.header('Retry-After', '5');
      return sendError(reply, request, new AppError('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly'));
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, request, new AppError('INTERNAL_SERVER_ERROR', 'An unexpected error occurred'));
  });
  app.setNotFoundHandler((request, reply) =>
    htmlFallback?.(request, reply) ?? sendError(reply, request, new AppError('NOT_FOUND', `Unknown route: ${request.method} ${request.url.split('?')[0]}`)),
  );
}
