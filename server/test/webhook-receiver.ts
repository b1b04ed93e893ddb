import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/db/client.js';
import { runWebhookSweep } from '../src/features/webhooks/webhooks.jobs.js';
import type { TestContext } from './context.js';

// Test-only: a local HTTP receiver for outbound webhooks (per-path behaviour, every request recorded),
// and helpers that drive the webhook poller by hand.

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type Behaviour = (n: number) => { status: number; delayMs?: number; headers?: Record<string, string>; body?: string };

export interface WebhookReceiver {
  base: string;
  /** Requests per path, in arrival order. */
  received(path: string): ReceivedWebhook[];
  /** Set how a path answers; `n` is the 1-based number of the request to that path. Default: 200. */
  on(path: string, behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const log = new Map<string, ReceivedWebhook[]>();
  const behaviours = new Map<string, Behaviour>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const list = log.get(path) ?? [];
      list.push({ path, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      log.set(path, list);
      const behaviour: Behaviour = behaviours.get(path) ?? (() => ({ status: 200 }));
      const answer = behaviour(list.length);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? `answer ${answer.status}`);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received: (path) => log.get(path) ?? [],
    on: (path, behaviour) => void behaviours.set(path, behaviour),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface DeliveryState {
  id: string;
  status: string;
  attempts: number;
  /** Seconds between the last attempt and the next scheduled one (database clock). */
  gapSeconds: number | null;
}

export async function deliveriesOf(t: TestContext, endpointId: string): Promise<DeliveryState[]> {
  const rows = await queryRows<{ id: string; status: string; attempts: number; gap: number | string | null }>(
    t.deps.db,
    sql`SELECT id, status, attempts, extract(epoch FROM next_attempt_at - last_attempt_at) AS gap FROM webhook_deliveries WHERE endpoint_id = ${endpointId} ORDER BY created_at, id`,
  );
  return rows.map((r) => ({ id: r.id, status: r.status, attempts: Number(r.attempts), gapSeconds: r.gap === null ? null : Number(r.gap) }));
}

/** Moves the endpoint's pending deliveries to "due now", as if their retry time had come. */
export async function makeDue(t: TestContext, endpointId: string): Promise<void> {
  await queryRows(t.deps.db, sql`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE endpoint_id = ${endpointId} AND status = 'PENDING' RETURNING id`);
}

export const sweep = (t: TestContext) => runWebhookSweep(t.deps);

/** Sweeps until the endpoint has `count` deliveries that have had at least one attempt. */
export async function sweepUntilAttempted(t: TestContext, endpointId: string, count = 1, timeoutMs = 20_000): Promise<DeliveryState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sweep(t);
    const list = await deliveriesOf(t, endpointId);
    if (list.filter((d) => d.attempts > 0).length >= count) return list;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} attempted deliveries (have ${JSON.stringify(list)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
