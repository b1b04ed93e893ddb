// The one fetch client of the dashboard: same origin, session cookie, CSRF header on writes,
// X-Project-Id on resource routes, and the server's error envelope turned into an ApiError.

export interface FieldError {
  field?: string;
  message: string;
  code?: string;
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | null;
  readonly fieldErrors: FieldError[];
  /** Seconds from Retry-After (429 responses). */
  readonly retryAfter: number | null;

  constructor(init: { code: string; message: string; status: number; requestId: string | null; fieldErrors?: FieldError[]; retryAfter?: number | null }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-serialised unless it is FormData. */
  body?: unknown;
  query?: Query;
  /** Sent as X-Project-Id (resource routes with a session). */
  projectId?: string;
  signal?: AbortSignal;
}

let csrfFallback: string | null = null;

/** Remembers the token from GET /users/@me in case the cookie cannot be read. */
export function setCsrfToken(token: string | null): void {
  csrfFallback = token;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** True when a session probably exists (the CSRF cookie is set alongside the session cookie). */
export function hasSessionCookie(): boolean {
  return readCookie('mw_csrf') !== null;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function headersFor(opts: RequestOptions): Headers {
  const headers = new Headers({ Accept: 'application/json' });
  const method = opts.method ?? 'GET';
  if (opts.projectId) headers.set('X-Project-Id', opts.projectId);
  if (method !== 'GET') {
    const csrf = readCookie('mw_csrf') ?? csrfFallback;
    if (csrf) headers.set('X-CSRF-Token', csrf);
  }
  if (opts.body !== undefined && !(opts.body instanceof FormData)) headers.set('Content-Type', 'application/json');
  return headers;
}

async function toApiError(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('X-Request-ID');
  const retryHeader = res.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  let payload: unknown = null;
  try {
    payload = await res.json();
  } catch {
    // Not JSON (proxy error page, empty body): fall through to a generic message.
  }
  const err = (payload as { error?: { code?: string; message?: string; requestId?: string; errors?: FieldError[] } } | null)?.error;
  return new ApiError({
    code: err?.code ?? `HTTP_${res.status}`,
    message: err?.message ?? (res.statusText || `Request failed with status ${res.status}`),
    status: res.status,
    requestId: err?.requestId ?? requestId,
    fieldErrors: Array.isArray(err?.errors) ? err.errors : [],
    retryAfter,
  });
}

/** Performs a request and returns the raw Response (for downloads); throws ApiError on failure. */
export async function requestRaw(path: string, opts: RequestOptions = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      credentials: 'same-origin',
      headers: headersFor(opts),
      body: opts.body === undefined ? undefined : opts.body instanceof FormData ? opts.body : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: 'NETWORK_ERROR', message: 'Could not reach the server. Check your connection and try again.', status: 0, requestId: null });
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** Performs a request and parses the JSON answer (undefined for 204 / empty bodies). */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await requestRaw(path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Unwraps `{ success, data }` envelopes (auth routes) and passes bare JSON through. */
export function unwrap<T>(payload: unknown): T {
  if (payload && typeof payload === 'object' && 'success' in payload && 'data' in payload) return (payload as { data: T }).data;
  return payload as T;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
