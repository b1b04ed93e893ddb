import type { Operations } from './schema/index.js';

/** Codes the server sends (its closed `ErrorCode` set). */
export type ServerErrorCode =
  | 'MISSING_AUTH' | 'INVALID_API_KEY' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'CSRF_REJECTED' | 'INVALID_CREDENTIALS'
  | 'SIGNUPS_DISABLED' | 'EMAIL_TAKEN' | 'INVALID_TOKEN' | 'PROJECT_DISABLED' | 'DOMAIN_NOT_VERIFIED' | 'NOT_FOUND'
  | 'RESOURCE_NOT_FOUND' | 'CONTACT_NOT_FOUND' | 'EMAIL_NOT_FOUND' | 'TEMPLATE_NOT_FOUND' | 'CAMPAIGN_NOT_FOUND'
  | 'WORKFLOW_NOT_FOUND' | 'WORKFLOW_STEP_NOT_FOUND' | 'WORKFLOW_TRANSITION_NOT_FOUND' | 'WORKFLOW_EXECUTION_NOT_FOUND'
  | 'INVALID_WORKFLOW_GRAPH' | 'WORKFLOW_NOT_ENABLED' | 'WORKFLOW_REENTRY_NOT_ALLOWED' | 'WORKFLOW_ALREADY_RUNNING'
  | 'WEBHOOK_ENDPOINT_NOT_FOUND' | 'WEBHOOK_DELIVERY_NOT_FOUND' | 'BILLING_LIMIT_EXCEEDED' | 'PROJECT_NOT_FOUND'
  | 'CONFLICT' | 'IDEMPOTENCY_KEY_MISMATCH' | 'IDEMPOTENCY_KEY_IN_FLIGHT' | 'BAD_REQUEST' | 'VALIDATION_ERROR'
  | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'RATE_LIMIT_EXCEEDED' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

/**
 * Codes the client makes up when there is no usable API error body:
 * NETWORK_ERROR (no response: DNS, refused, reset), TIMEOUT (no response within `timeoutMs`),
 * ABORTED (the caller's signal), UNEXPECTED_RESPONSE (a non-2xx without Mailwright's error body,
 * e.g. from a proxy), INVALID_RESPONSE (a 2xx whose JSON does not parse).
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNEXPECTED_RESPONSE' | 'INVALID_RESPONSE';

export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export interface MailwrightError {
  /** A ServerErrorCode or a ClientErrorCode (or a code newer than this client). */
  code: ServerErrorCode | ClientErrorCode | (string & {});
  message: string;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The server's request id (from the error body or the X-Request-ID header); quote it when asking for help. */
  requestId: string | null;
  /** Field errors of a 422 VALIDATION_ERROR. */
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

/** Every call resolves to one of these; API and network errors never throw. */
export type ApiResult<T> = { data: T; error: null } | { data: null; error: MailwrightError };

export type OperationKey = keyof Operations;
export type PathArgs<K extends OperationKey> = Operations[K]['pathArgs'];
export type Query<K extends OperationKey> = Operations[K]['query'];
export type Body<K extends OperationKey> = Operations[K]['body'];
/** The raw response body. */
export type Response<K extends OperationKey> = Operations[K]['response'];
/** What a named method returns in `data`: the body, or its `data` for `{ success, data }` routes. */
export type Result<K extends OperationKey> = Operations[K] extends { result: infer R } ? R : Operations[K]['response'];

export interface CallOptions {
  /** Sent as Idempotency-Key on writes; by default the client makes one per call and reuses it on every retry. */
  idempotencyKey?: string;
  /** Overrides the client's retry count for this call (0 = one attempt). */
  retries?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}
