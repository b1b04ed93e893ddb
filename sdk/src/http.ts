import type { ApiResult, CallOptions, MailwrightError } from './types.js';

// The transport: global fetch only (Node >= 20 and browsers), no Node built-ins.

export interface ClientOptions {
  /** Where Mailwright runs; default http://localhost:3000 (what `npm start` serves). */
  baseUrl?: string;
  /** Retries after the first attempt for network errors, timeouts, 429 and 5xx; default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry, with jitter; default 500 ms. */
  retryDelayMs?: number;
  /** Cap for one backoff delay, Retry-After included; default 10 s. */
  maxRetryDelayMs?: number;
  /** Per attempt, response body included; default 30 s. */
  timeoutMs?: number;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** A fetch to use instead of the global one (a proxy agent, tests). */
  fetch?: typeof fetch;
}

export interface RawRequest {
  method: string;
  /** Path with path parameters already filled in, e.g. /contacts/123. */
  path: string;
  query?: Record<string, unknown>;
  /** A plain value is sent as JSON; a string, Blob, FormData, URLSearchParams or ArrayBuffer as is. */
  body?: unknown;
  options?: CallOptions;
}

export interface Transport {
  send(req: RawRequest): Promise<ApiResult<unknown>>;
}

type Attempt = { result: ApiResult<unknown>; retry: boolean; retryAfterMs?: number };

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** 128 random bits as hex: getRandomValues works in every browser context, randomUUID only in secure ones. */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function failure(code: string, message: string, status = 0, requestId: string | null = null): ApiResult<never> {
  return { data: null, error: { code, message, status, requestId } };
}

function buildUrl(baseUrl: string, path: string, query?: Record<string, unknown>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
  }
  return url.toString();
}

function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams)
  );
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Mailwright's error body, or UNEXPECTED_RESPONSE for anything else (a proxy's HTML page). */
function apiError(status: number, text: string, headerRequestId: string | null): MailwrightError {
  let body: { error?: Partial<MailwrightError> & { statusCode?: number } } | null = null;
  try {
    body = JSON.parse(text);
  } catch {}
  const e = body?.error;
  if (!e || typeof e.code !== 'string') {
    return { code: 'UNEXPECTED_RESPONSE', message: `HTTP ${status} without a Mailwright error body`, status, requestId: headerRequestId };
  }
  const error: MailwrightError = { code: e.code, message: String(e.message ?? e.code), status, requestId: e.requestId ?? headerRequestId };
  if (e.errors) error.errors = e.errors;
  if (e.details) error.details = e.details;
  return error;
}

function isRetryable(error: MailwrightError): boolean {
  if (error.status >= 500) return true;
  // A spent monthly limit does not come back in a few seconds; a rate limit does.
  if (error.status === 429) return error.code !== 'BILLING_LIMIT_EXCEEDED';
  return error.code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
}

export function createTransport(key: string, options: ClientOptions = {}): Transport {
  const baseUrl = options.baseUrl ?? 'http://localhost:3000';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelay = options.retryDelayMs ?? 500;
  const maxDelay = options.maxRetryDelayMs ?? 10_000;

  async function attempt(method: string, url: string, init: RequestInit, signal: AbortSignal | undefined): Promise<Attempt> {
    if (signal?.aborted) return { result: failure('ABORTED', 'The request was aborted'), retry: false };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      const res = await doFetch(url, { ...init, method, signal: controller.signal });
      const text = await res.text();
      const requestId = res.headers.get('x-request-id');
      if (!res.ok) {
        const error = apiError(res.status, text, requestId);
        return { result: { data: null, error }, retry: isRetryable(error), retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
      }
      if (!text) return { result: { data: null, error: null }, retry: false };
      if (!/json/i.test(res.headers.get('content-type') ?? '')) return { result: { data: text, error: null }, retry: false };
      try {
        return { result: { data: JSON.parse(text), error: null }, retry: false };
      } catch {
        return { result: failure('INVALID_RESPONSE', `HTTP ${res.status} with a body that is not valid JSON`, res.status, requestId), retry: false };
      }
    } catch (err) {
      if (signal?.aborted) return { result: failure('ABORTED', 'The request was aborted'), retry: false };
      if (timedOut) return { result: failure('TIMEOUT', `No response within ${timeoutMs} ms`), retry: true };
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      return { result: failure('NETWORK_ERROR', [(err as Error).message, cause].filter(Boolean).join(': ') || 'Network error'), retry: true };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async send({ method, path, query, body, options: call = {} }) {
      method = method.toUpperCase();
      const retries = Math.max(0, call.retries ?? options.retries ?? 2);
      const headers: Record<string, string> = { accept: 'application/json', ...lowerCased(options.headers), ...lowerCased(call.headers), authorization: `Bearer ${key}` };
      let payload: BodyInit | undefined;
      if (body !== undefined) {
        if (isRawBody(body)) payload = body;
        else {
          payload = JSON.stringify(body);
          headers['content-type'] ??= 'application/json';
        }
      }
      // One key for every attempt of this call: a write whose response was lost is replayed, not redone.
      const idempotencyKey = call.idempotencyKey ?? (WRITES.has(method) && retries > 0 ? newIdempotencyKey() : undefined);
      if (idempotencyKey && WRITES.has(method)) headers['idempotency-key'] = idempotencyKey;
      const url = buildUrl(baseUrl, path, query);
      for (let n = 0; ; n++) {
        const outcome = await attempt(method, url, { headers, body: payload }, call.signal);
        if (!outcome.retry || n >= retries) return outcome.result;
        const backoff = Math.min(maxDelay, baseDelay * 2 ** n) * (0.5 + Math.random() / 2);
        const wait = Math.min(maxDelay, Math.max(backoff, outcome.retryAfterMs ?? 0));
        if (!(await sleep(wait, call.signal))) return failure('ABORTED', 'The request was aborted');
      }
    },
  };
}

/** Header names are case-insensitive; one spelling keeps `??=` defaults from doubling a caller's header. */
function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/** false when the signal aborted the wait. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
