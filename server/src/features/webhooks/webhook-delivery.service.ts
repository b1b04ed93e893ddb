import type { Tx } from '../../db/client.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/schema/index.js';
import { createOutboundClient, OutboundError, OutboundTooManyRedirectsError } from '../../outbound/outbound-client.js';
import { recordActivity } from '../activity/activity.service.js';
import { recordEvents } from '../events/events.service.js';
import * as dq from './deliveries.queries.js';
import * as eq from './endpoints.queries.js';
import type { WebhookDeps } from './webhook-deps.js';
import { signingSecrets } from './webhook-endpoints.service.js';
import { signedHeaders } from './webhook-signing.js';

// One attempt of one delivery: signed with the endpoint's secret(s), sent through the SSRF-guarded
// outbound client (OUTBOUND_ALLOWLIST applies, redirects are not followed), outside any transaction;
// then its outcome is recorded in one transaction. Only a 2xx answer within WEBHOOK_TIMEOUT_SECONDS
// counts as delivered; 3xx, 4xx, 5xx, timeouts, network errors and blocked destinations are failures.

/**
 * Delay before retry n (after the n-th failed attempt), ±10 % jitter each. The first attempt is
 * immediate, so a delivery gets RETRY_SCHEDULE_SECONDS.length + 1 = 8 attempts over about 31.5 hours.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600] as const;
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
export const RETRY_JITTER = 0.1;
/** Deliveries that failed for good in a row after which the endpoint is disabled automatically. */
export const AUTO_DISABLE_AFTER_FAILED_DELIVERIES = 5;
/** Stored start of the receiver's answer. */
export const MAX_STORED_RESPONSE = 2000;
/** The event emitted (to the project's other subscribed endpoints) when one is auto-disabled. */
export const ENDPOINT_DISABLED_EVENT = 'webhook.endpoint_disabled';

export interface AttemptResult {
  ok: boolean;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export function retryDelaySeconds(failedAttempts: number, random: () => number = Math.random): number {
  const base = RETRY_SCHEDULE_SECONDS[failedAttempts - 1];
  return Math.round(base * (1 + RETRY_JITTER * (2 * random() - 1)) * 1000) / 1000;
}

/** Sends the delivery's payload once. Never throws for receiver or network problems. */
export async function sendAttempt(deps: WebhookDeps, endpoint: WebhookEndpointRow, delivery: WebhookDeliveryRow): Promise<AttemptResult> {
  const startedAt = new Date();
  const start = performance.now();
  const elapsed = () => Math.round(performance.now() - start);
  try {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
    const headers = signedHeaders(signingSecrets(deps.masterKey, endpoint, deps.clock.now()), delivery.messageId, timestamp, body);
    const res = await createOutboundClient(deps).request({
      url: endpoint.url,
      method: 'POST',
      headers,
      body,
      timeoutMs: deps.config.webhooks.timeoutMs,
      maxRedirects: 0,
      maxResponseBytes: MAX_STORED_RESPONSE,
    });
    const ok = res.status >= 200 && res.status < 300;
    const responseBody = storable(res.body.slice(0, MAX_STORED_RESPONSE));
    return { ok, startedAt, durationMs: elapsed(), responseStatus: res.status, responseBody, error: ok ? null : `Receiver answered ${res.status}` };
  } catch (err) {
    if (err instanceof OutboundTooManyRedirectsError) {
      return { ok: false, startedAt, durationMs: elapsed(), responseStatus: null, responseBody: null, error: 'The receiver answered with a redirect (3xx); redirects are not followed' };
    }
    const error = err instanceof OutboundError ? `${err.code}: ${err.message}` : `Request failed: ${(err as Error).message}`;
    if (!(err instanceof OutboundError)) deps.log.warn({ err, deliveryId: delivery.id }, 'webhook attempt failed unexpectedly');
    return { ok: false, startedAt, durationMs: elapsed(), responseStatus: null, responseBody: null, error: error.slice(0, 1000) };
  }
}

/**
 * Records a scheduled attempt: success ends the delivery (and resets the endpoint's failure count),
 * a failure schedules the next try, the last failure ends it as FAILED and may disable the endpoint.
 */
export async function recordAttempt(deps: WebhookDeps, deliveryId: string, result: AttemptResult): Promise<WebhookDeliveryRow | undefined> {
  return deps.db.transaction(async (tx) => {
    const delivery = await dq.lockDelivery(tx, deliveryId);
    if (!delivery || delivery.status !== 'PENDING') return delivery;
    const attempts = delivery.attempts + 1;
    await dq.insertAttempt(tx, { deliveryId, attempt: attempts, ...attemptColumns(result), replay: false });
    const last = !result.ok && attempts >= MAX_ATTEMPTS;
    const status = result.ok ? 'SUCCEEDED' : last ? 'FAILED' : 'PENDING';
    const updated = await dq.updateDeliveryOutcome(tx, deliveryId, {
      status,
      attempts,
      retryInSeconds: status === 'PENDING' ? retryDelaySeconds(attempts) : null,
      ...outcomeColumns(result),
      completed: status !== 'PENDING',
    });
    if (result.ok) await dq.bumpEndpointFailures(tx, delivery.endpointId, false);
    if (last) {
      const failures = await dq.bumpEndpointFailures(tx, delivery.endpointId, true);
      if (failures >= AUTO_DISABLE_AFTER_FAILED_DELIVERIES) await autoDisable(tx, delivery.endpointId, failures);
    }
    return updated;
  });
}

/**
 * A user's replay (or the first send of a test message): one more attempt with the same webhook-id,
 * logged with replay = true. A success marks the delivery SUCCEEDED; a failure leaves its status and
 * retry schedule as they were (a FAILED delivery stays FAILED).
 */
export async function recordReplay(deps: WebhookDeps, deliveryId: string, result: AttemptResult): Promise<WebhookDeliveryRow | undefined> {
  return deps.db.transaction(async (tx) => {
    const delivery = await dq.lockDelivery(tx, deliveryId);
    if (!delivery) return undefined;
    const attempts = delivery.attempts + 1;
    await dq.insertAttempt(tx, { deliveryId, attempt: attempts, ...attemptColumns(result), replay: true });
    const status = result.ok ? 'SUCCEEDED' : delivery.status;
    const retryInSeconds = status === 'PENDING' && delivery.nextAttemptAt ? Math.max(0, (delivery.nextAttemptAt.getTime() - deps.clock.now().getTime()) / 1000) : null;
    const updated = await dq.updateDeliveryOutcome(tx, deliveryId, { status, attempts, retryInSeconds, ...outcomeColumns(result), completed: status !== 'PENDING' });
    if (result.ok) await dq.bumpEndpointFailures(tx, delivery.endpointId, false);
    return updated;
  });
}

/** Text columns refuse NUL and unpaired UTF-16 surrogates (a cut-off answer may end in half an emoji). */
function storable(text: string): string {
  return text.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function attemptColumns(r: AttemptResult) {
  return { startedAt: r.startedAt, durationMs: r.durationMs, responseStatus: r.responseStatus, responseBody: r.responseBody, error: r.error };
}
function outcomeColumns(r: AttemptResult) {
  return { responseStatus: r.responseStatus, responseBody: r.responseBody, error: r.error, durationMs: r.durationMs };
}

/**
 * Sustained failure: the endpoint stops receiving (enabled = false, so the events trigger no longer
 * flags events for it), an Activity entry says why, and a `webhook.endpoint_disabled` event is
 * recorded — after the disable, so it can only fan out to the project's other endpoints.
 */
async function autoDisable(tx: Tx, endpointId: string, failures: number) {
  const endpoint = await eq.findEndpointById(tx, endpointId, { lock: true });
  if (!endpoint || !endpoint.enabled) return;
  const reason = `Disabled automatically after ${failures} deliveries in a row failed every attempt`;
  await eq.updateEndpoint(tx, endpoint.id, { enabled: false, disabledAt: new Date(), disabledReason: reason });
  await recordActivity(tx, {
    projectId: endpoint.projectId,
    actor: { type: 'system' },
    type: 'webhook_endpoint.auto_disabled',
    summary: `Webhook endpoint ${endpoint.url} disabled: ${failures} deliveries in a row failed`,
    metadata: { endpointId: endpoint.id, url: endpoint.url, consecutiveFailures: failures },
  });
  await recordEvents(tx, [{ projectId: endpoint.projectId, name: ENDPOINT_DISABLED_EVENT, data: { endpointId: endpoint.id, url: endpoint.url, reason } }]);
}
