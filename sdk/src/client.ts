import { createTransport, type ClientOptions, type Transport } from './http.js';
import { bindMethod, fillPath, tag } from './method.js';
import type { Operations } from './schema/index.js';
import type { ApiResult, CallOptions, OperationKey, Response } from './types.js';

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type PathsFor<M extends HttpMethod> = { [K in OperationKey]: K extends `${M} ${infer P}` ? P : never }[OperationKey];
/** A documented `{placeholder}` path must go through the typed overload (so its params are checked). */
type UntypedPath<P extends string> = P extends `${string}{${string}}${string}` ? (P extends PathsFor<HttpMethod> ? never : P) : P;

/** Options of the low-level request for a known operation: path `params`, `query` and `body` as the API documents them. */
export type RequestInit<K extends OperationKey> = CallOptions &
  ([Operations[K]['params']] extends [never] ? { params?: never } : { params: Operations[K]['params'] }) &
  ([Operations[K]['query']] extends [never] ? { query?: never } : { query?: Operations[K]['query'] }) &
  ([Operations[K]['body']] extends [never] ? { body?: unknown } : { body: Operations[K]['body'] });

export interface UntypedRequestInit extends CallOptions {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** A CSV file's text, or a Blob/File of it (browsers). */
export type CsvInput = string | Blob;

function csvCall(transport: Transport, path: string, csv: CsvInput, options: CallOptions = {}) {
  const headers = { 'content-type': 'text/csv', ...options.headers };
  return transport.send({ method: 'POST', path, body: csv, options: { ...options, headers } });
}

function buildNamespaces(transport: Transport) {
  const m = bindMethod(transport);
  return {
    /** POST /v1/track: records an event (works with the public `pk_` key, also from browsers). */
    track: m('POST /v1/track'),
    health: m('GET /health'),
    emails: { send: m('POST /v1/send'), list: m('GET /emails'), get: m('GET /emails/{id}') },
    /** The Dev Inbox (MAIL_TRANSPORT=inbox): what would have been delivered. */
    inbox: { list: m('GET /inbox'), get: m('GET /inbox/{id}') },
    events: {
      /** The secret-key twin of `track` (no CORS). */
      track: m('POST /events/track'),
      list: m('GET /events'),
      stats: m('GET /events/stats'),
      names: m('GET /events/names'),
      usage: m('GET /events/{eventName}/usage'),
      delete: m('DELETE /events/{eventName}'),
      forContact: m('GET /events/contact/{contactId}'),
    },
    contacts: {
      list: m('GET /contacts'),
      create: m('POST /contacts'),
      get: m('GET /contacts/{id}'),
      update: m('PATCH /contacts/{id}'),
      delete: m('DELETE /contacts/{id}'),
      lookup: m('POST /contacts/lookup'),
      events: m('GET /contacts/{id}/events'),
      /** Starts a CSV import (header row: email, subscribed, then data fields); poll `importStatus(jobId)`. */
      import: tag('POST /contacts/import', async (csv: CsvInput, options?: CallOptions) =>
        (await csvCall(transport, '/contacts/import', csv, options)) as ApiResult<Response<'POST /contacts/import'>>),
      importStatus: m('GET /contacts/import/{jobId}'),
      /** The contacts as CSV text. */
      export: tag('GET /contacts/export', async (query?: Operations['GET /contacts/export']['query'], options?: CallOptions) =>
        (await transport.send({ method: 'GET', path: '/contacts/export', query, options })) as ApiResult<string>),
      bulkSubscribe: m('POST /contacts/bulk-subscribe'),
      bulkUnsubscribe: m('POST /contacts/bulk-unsubscribe'),
      bulkDelete: m('POST /contacts/bulk-delete'),
      bulkStatus: m('GET /contacts/bulk/{jobId}'),
      fields: {
        list: m('GET /contacts/fields'),
        values: m('GET /contacts/fields/{field}/values'),
        usage: m('GET /contacts/fields/{field}/usage'),
        delete: m('DELETE /contacts/fields/{field}'),
      },
    },
    templates: {
      list: m('GET /templates'),
      create: m('POST /templates'),
      get: m('GET /templates/{id}'),
      update: m('PATCH /templates/{id}'),
      delete: m('DELETE /templates/{id}'),
      bulkUpdate: m('POST /templates/bulk-update'),
      duplicate: m('POST /templates/{id}/duplicate'),
      usage: m('GET /templates/{id}/usage'),
    },
    segments: {
      list: m('GET /segments'),
      create: m('POST /segments'),
      preview: m('POST /segments/preview'),
      get: m('GET /segments/{id}'),
      update: m('PATCH /segments/{id}'),
      delete: m('DELETE /segments/{id}'),
      contacts: m('GET /segments/{id}/contacts'),
      addMembers: m('POST /segments/{id}/members'),
      removeMembers: m('DELETE /segments/{id}/members'),
      compute: m('POST /segments/{id}/compute'),
      refresh: m('POST /segments/{id}/refresh'),
    },
    campaigns: {
      list: m('GET /campaigns'),
      create: m('POST /campaigns'),
      get: m('GET /campaigns/{id}'),
      replace: m('PUT /campaigns/{id}'),
      update: m('PATCH /campaigns/{id}'),
      delete: m('DELETE /campaigns/{id}'),
      duplicate: m('POST /campaigns/{id}/duplicate'),
      archive: m('POST /campaigns/{id}/archive'),
      unarchive: m('POST /campaigns/{id}/unarchive'),
      send: m('POST /campaigns/{id}/send'),
      cancel: m('POST /campaigns/{id}/cancel'),
      test: m('POST /campaigns/{id}/test'),
      stats: m('GET /campaigns/{id}/stats'),
      recipients: m('GET /campaigns/{id}/recipients'),
    },
    workflows: {
      list: m('GET /workflows'),
      create: m('POST /workflows'),
      fields: m('GET /workflows/fields'),
      get: m('GET /workflows/{id}'),
      update: m('PATCH /workflows/{id}'),
      delete: m('DELETE /workflows/{id}'),
      stepExecutionCounts: m('GET /workflows/{id}/step-execution-counts'),
      steps: { create: m('POST /workflows/{id}/steps'), update: m('PATCH /workflows/{id}/steps/{stepId}'), delete: m('DELETE /workflows/{id}/steps/{stepId}') },
      transitions: {
        create: m('POST /workflows/{id}/transitions'),
        delete: m('DELETE /workflows/{id}/transitions/{transitionId}'),
        insertStep: m('POST /workflows/{id}/transitions/{transitionId}/insert-step'),
      },
      executions: {
        start: m('POST /workflows/{id}/executions'),
        list: m('GET /workflows/{id}/executions'),
        cancelAll: m('POST /workflows/{id}/executions/cancel-all'),
        get: m('GET /workflows/{id}/executions/{executionId}'),
        delete: m('DELETE /workflows/{id}/executions/{executionId}'),
      },
    },
    domains: {
      list: m('GET /domains'),
      create: m('POST /domains'),
      listForProject: m('GET /domains/project/{projectId}'),
      get: m('GET /domains/{id}'),
      delete: m('DELETE /domains/{id}'),
      verify: m('GET /domains/{id}/verify'),
    },
    activity: { list: m('GET /activity'), stats: m('GET /activity/stats'), types: m('GET /activity/types'), requests: m('GET /activity/requests') },
    suppressions: {
      list: m('GET /suppression-list'),
      add: m('POST /suppression-list'),
      /** One address per line (a header row `email` is optional). */
      import: tag('POST /suppression-list/import', async (csv: CsvInput, options?: CallOptions) =>
        (await csvCall(transport, '/suppression-list/import', csv, options)) as ApiResult<Response<'POST /suppression-list/import'>>),
      remove: m('DELETE /suppression-list/{email}'),
    },
    webhooks: {
      list: m('GET /webhook-endpoints'),
      create: m('POST /webhook-endpoints'),
      get: m('GET /webhook-endpoints/{id}'),
      update: m('PATCH /webhook-endpoints/{id}'),
      delete: m('DELETE /webhook-endpoints/{id}'),
      rotateSecret: m('POST /webhook-endpoints/{id}/rotate-secret'),
      test: m('POST /webhook-endpoints/{id}/test'),
      deliveries: {
        list: m('GET /webhook-endpoints/{id}/deliveries'),
        get: m('GET /webhook-endpoints/{id}/deliveries/{deliveryId}'),
        replay: m('POST /webhook-endpoints/{id}/deliveries/{deliveryId}/replay'),
      },
    },
  };
}

type Namespaces = ReturnType<typeof buildNamespaces>;
export interface Mailwright extends Namespaces {}

/**
 * The Mailwright client. `key` is a project key: `sk_…` for everything, or `pk_…` for `track` only.
 * Every method resolves to `{ data, error }`; API errors and network failures never throw.
 */
export class Mailwright {
  readonly #transport: Transport;

  constructor(key: string, options: ClientOptions = {}) {
    this.#transport = createTransport(key, options);
    Object.assign(this, buildNamespaces(this.#transport));
  }

  /**
   * Any route, typed when `METHOD path` is a documented operation (path with `{placeholders}` plus `params`).
   * Returns the raw response body (no `{ success, data }` unwrapping).
   */
  request<M extends HttpMethod, P extends PathsFor<M>, K extends OperationKey = `${M} ${P}` & OperationKey>(
    method: M,
    path: P,
    ...init: {} extends RequestInit<K> ? [init?: RequestInit<K>] : [init: RequestInit<K>]
  ): Promise<ApiResult<Response<K>>>;
  request<T = unknown, P extends string = string>(method: string, path: P & UntypedPath<P>, init?: UntypedRequestInit): Promise<ApiResult<T>>;
  async request(method: string, path: string, init: UntypedRequestInit = {}): Promise<ApiResult<unknown>> {
    const { params, query, body, ...options } = init;
    return this.#transport.send({ method, path: params ? fillPath(path, params) : path, query, body, options });
  }
}
