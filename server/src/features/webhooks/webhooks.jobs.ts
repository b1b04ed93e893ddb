import * as dq from './deliveries.queries.js';
import { findEndpointById } from './endpoints.queries.js';
import type { WebhookDeps } from './webhook-deps.js';
import { recordAttempt, sendAttempt } from './webhook-delivery.service.js';
import { dispatchWebhookEvents } from './webhook-dispatch.service.js';
import { startPoller, type Poller } from '../../jobs/poller.js';

// The outbound-webhook poller of a worker process: each pass relays the events outbox into deliveries,
// then sends the deliveries that are due (database clock), several at a time. Tests call
// runWebhookSweep directly after making deliveries due.

const DISPATCH_BATCH = 100;
const MAX_DISPATCH_BATCHES = 20;
const SEND_BATCH = 20;
const MAX_SEND_BATCHES = 10;
export const WEBHOOK_POLL_INTERVAL_MS = 1000;

export interface WebhookSweepResult {
  events: number;
  deliveries: number;
  attempts: number;
}

/**
 * Sends one claimed delivery. An endpoint deleted meanwhile means nothing to send; one disabled since the
 * claim sends nothing either (its deliveries wait, unclaimed, until it is enabled again).
 */
async function attempt(deps: WebhookDeps, delivery: Awaited<ReturnType<typeof dq.claimDueDeliveries>>[number]): Promise<void> {
  const endpoint = await findEndpointById(deps.db, delivery.endpointId);
  if (!endpoint || !endpoint.enabled) return;
  await recordAttempt(deps, delivery.id, await sendAttempt(deps, endpoint, delivery));
}

export async function runWebhookSweep(deps: WebhookDeps): Promise<WebhookSweepResult> {
  const result: WebhookSweepResult = { events: 0, deliveries: 0, attempts: 0 };
  for (let i = 0; i < MAX_DISPATCH_BATCHES; i++) {
    const batch = await dispatchWebhookEvents(deps, DISPATCH_BATCH);
    result.events += batch.events;
    result.deliveries += batch.deliveries;
    if (batch.events < DISPATCH_BATCH) break;
  }
  // A claim is a lease: the delivery is not due again until the attempt could have timed out twice over.
  const leaseSeconds = Math.ceil(deps.config.webhooks.timeoutMs / 1000) * 2 + 60;
  for (let i = 0; i < MAX_SEND_BATCHES; i++) {
    const claimed = await deps.db.transaction((tx) => dq.claimDueDeliveries(tx, SEND_BATCH, leaseSeconds));
    const settled = await Promise.allSettled(claimed.map((d) => attempt(deps, d)));
    for (const s of settled) if (s.status === 'rejected') deps.log.error({ err: s.reason }, 'recording a webhook attempt failed; retried after its lease');
    result.attempts += claimed.length;
    if (claimed.length < SEND_BATCH) break;
  }
  return result;
}

export type WebhookPoller = Poller;

/** A sweep every WEBHOOK_POLL_INTERVAL_MS (the next only after the last finished). */
export function startWebhookPoller(deps: WebhookDeps, intervalMs = WEBHOOK_POLL_INTERVAL_MS): WebhookPoller {
  return startPoller({ intervalMs, log: deps.log, what: 'webhook sweep', tick: () => runWebhookSweep(deps) });
}
