// Domain errors with a closed set of codes. HTTP status mapping lives in http/errors.ts only.

export type ErrorCode =
  | 'MISSING_AUTH'
  | 'INVALID_API_KEY'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CSRF_REJECTED'
  | 'INVALID_CREDENTIALS'
  | 'SIGNUPS_DISABLED'
  | 'EMAIL_TAKEN'
  | 'INVALID_TOKEN'
  | 'PROJECT_DISABLED'
  | 'DOMAIN_NOT_VERIFIED'
  | 'NOT_FOUND'
  | 'RESOURCE_NOT_FOUND'
  | 'CONTACT_NOT_FOUND'
  | 'EMAIL_NOT_FOUND'
  | 'TEMPLATE_NOT_FOUND'
  | 'CAMPAIGN_NOT_FOUND'
  | 'WORKFLOW_NOT_FOUND'
  | 'WORKFLOW_STEP_NOT_FOUND'
  | 'WORKFLOW_TRANSITION_NOT_FOUND'
  | 'WORKFLOW_EXECUTION_NOT_FOUND'
  | 'INVALID_WORKFLOW_GRAPH'
  | 'WORKFLOW_NOT_ENABLED'
  | 'WORKFLOW_REENTRY_NOT_ALLOWED'
  | 'WORKFLOW_ALREADY_RUNNING'
  | 'WEBHOOK_ENDPOINT_NOT_FOUND'
  | 'WEBHOOK_DELIVERY_NOT_FOUND'
  | 'BILLING_LIMIT_EXCEEDED'
  | 'PROJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_MISMATCH'
  | 'IDEMPOTENCY_KEY_IN_FLIGHT'
  | 'BAD_REQUEST'
  | 'VALIDATION_ERROR'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMIT_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export interface FieldError {
  field: string;
  message: string;
  code: string;
  received?: string;
}

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: { errors?: FieldError[]; [key: string]: unknown },
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function validationError(errors: FieldError[], message = 'Request validation failed'): AppError {
  return new AppError('VALIDATION_ERROR', message, { errors });
}

export function notFound(code: ErrorCode, resource: string, id: string): AppError {
  return new AppError(code, `${resource} with ID "${id}" was not found`, { resource, id });
}

/** Whatever was thrown, as an Error (rejections of batched calls must be Errors). */
export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
