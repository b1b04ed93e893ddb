import { notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { WebhookDeliveryRow, WebhookDeliveryStatus } from '../../db/schema/index.js';
import * as dq from './deliveries.queries.js';
import type { WebhookDeps } from './webhook-deps.js';
import { recordAttempt, recordReplay, sendAttempt } from './webhook-delivery.service.js';
import { getEndpoint } from './webhook-endpoints.service.js';
import { newMessageId } from './webhook-signing.js';

// The delivery log of one endpoint, a delivery's detail (payload, attempt log), replays and test
// messages. Everything is reached through the project's endpoint, so other projects' ids are 404.

const CURSOR_SCOPE = 'webhook-deliveries';
export const TEST_EVENT = 'webhook.test';

export async function listDeliveries(deps: WebhookDeps, projectId: string, endpointId: string, input: { status?: WebhookDeliveryStatus; limit: number; cursor?: string }) {
  const endpoint = await getEndpoint(deps.db, projectId, endpointId);
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, `${CURSOR_SCOPE}:${endpoint.id}`, projectId, input.cursor) : undefined;
  const rows = await dq.listDeliveryRows(deps.db, endpoint.id, { status: input.status, limit: input.limit, after });
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    rows: page as WebhookDeliveryRow[],
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, `${CURSOR_SCOPE}:${endpoint.id}`, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
  };
}

async function getDeliveryRow(deps: WebhookDeps, projectId: string, endpointId: string, deliveryId: string) {
  const endpoint = await getEndpoint(deps.db, projectId, endpointId);
  const delivery = isUuid(deliveryId) ? await dq.findDelivery(deps.db, projectId, endpoint.id, deliveryId.toLowerCase()) : undefined;
  if (!delivery) throw notFound('WEBHOOK_DELIVERY_NOT_FOUND', 'Webhook delivery', deliveryId);
  return { endpoint, delivery };
}

export async function getDeliveryDetail(deps: WebhookDeps, projectId: string, endpointId: string, deliveryId: string) {
  const { endpoint, delivery } = await getDeliveryRow(deps, projectId, endpointId, deliveryId);
  return { endpoint, delivery, attempts: await dq.listAttempts(deps.db, delivery.id) };
}

/** Sends the delivery again now, with its original webhook-id; logged as a replay attempt. */
export async function replayDelivery(deps: WebhookDeps, projectId: string, endpointId: string, deliveryId: string) {
  const { endpoint, delivery } = await getDeliveryRow(deps, projectId, endpointId, deliveryId);
  const result = await sendAttempt(deps, endpoint, delivery);
  await recordReplay(deps, delivery.id, result);
  return getDeliveryDetail(deps, projectId, endpoint.id, delivery.id);
}

/**
 * A `webhook.test` message, sent right away (first attempt inside the request) and then retried on
 * the normal schedule if it failed. Works for disabled endpoints too, so a fix can be checked.
 */
export async function sendTestMessage(deps: WebhookDeps, projectId: string, endpointId: string) {
  const endpoint = await getEndpoint(deps.db, projectId, endpointId);
  const now = deps.clock.now();
  const leaseMs = deps.config.webhooks.timeoutMs + 60_000;
  const [delivery] = await dq.insertDeliveries(deps.db, [
    {
      projectId,
      endpointId: endpoint.id,
      eventId: null,
      eventType: TEST_EVENT,
      messageId: newMessageId(),
      payload: { type: TEST_EVENT, timestamp: now.toISOString(), data: { test: true, endpointId: endpoint.id } },
      nextAttemptAt: new Date(now.getTime() + leaseMs),
    },
  ]);
  const result = await sendAttempt(deps, endpoint, delivery);
  await recordAttempt(deps, delivery.id, result);
  return getDeliveryDetail(deps, projectId, endpoint.id, delivery.id);
}
