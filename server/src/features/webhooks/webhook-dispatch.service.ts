import type { WebhookEndpointRow } from '../../db/schema/index.js';
import * as dq from './deliveries.queries.js';
import { listEnabledEndpoints } from './endpoints.queries.js';
import type { WebhookDeps } from './webhook-deps.js';
import { newMessageId } from './webhook-signing.js';

// The fan-out: relays events the `events_mark_dispatch` trigger flagged `webhook_pending` (migration
// 0011) into one delivery per matching enabled endpoint, in one transaction per batch. The unique
// (endpoint_id, event_id) index makes a second dispatch of the same event insert nothing.
//
// Payload (the JSON body every endpoint receives for an event):
//   { "type": "<event name>", "timestamp": "<event time, ISO 8601>",
//     "data": { "id": "<event id>", "contactId": …|null, "emailId": …|null,
//               "contact": { "id", "email" }|null, "data": <the event's data>|null } }
// A test message has type `webhook.test` and data { "test": true, "endpointId" }.

/** Does an endpoint subscribed to `types` (names or `prefix.*`; empty = all) receive `name`? */
export function subscribes(types: readonly string[], name: string): boolean {
  if (!types.length) return true;
  return types.some((t) => t === name || (t.endsWith('.*') && name.startsWith(t.slice(0, -1))));
}

export function eventPayload(e: dq.PendingWebhookEvent): Record<string, unknown> {
  return {
    type: e.name,
    timestamp: e.createdAt.toISOString(),
    data: {
      id: e.id,
      contactId: e.contactId,
      emailId: e.emailId,
      contact: e.contactId && e.contactEmail ? { id: e.contactId, email: e.contactEmail } : null,
      data: e.data ?? null,
    },
  };
}

/** One batch: returns how many events were relayed and how many deliveries were created. */
export async function dispatchWebhookEvents(deps: Pick<WebhookDeps, 'db'>, limit: number): Promise<{ events: number; deliveries: number }> {
  return deps.db.transaction(async (tx) => {
    const pending = await dq.lockWebhookPendingEvents(tx, limit);
    if (!pending.length) return { events: 0, deliveries: 0 };
    const endpointsOf = new Map<string, WebhookEndpointRow[]>();
    const rows: dq.NewDelivery[] = [];
    for (const event of pending) {
      let endpoints = endpointsOf.get(event.projectId);
      if (!endpoints) endpointsOf.set(event.projectId, (endpoints = await listEnabledEndpoints(tx, event.projectId)));
      for (const endpoint of endpoints.filter((ep) => subscribes(ep.eventTypes, event.name))) {
        rows.push({
          projectId: event.projectId,
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.name,
          messageId: newMessageId(),
          payload: eventPayload(event),
          nextAttemptAt: event.createdAt,
        });
      }
    }
    const inserted = await dq.insertDeliveries(tx, rows);
    await dq.clearWebhookPending(tx, pending.map((e) => e.id));
    return { events: pending.length, deliveries: inserted.length };
  });
}
