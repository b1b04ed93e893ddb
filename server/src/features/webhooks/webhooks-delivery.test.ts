import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { deliveriesOf, makeDue, startWebhookReceiver, sweep, sweepUntilAttempted, type WebhookReceiver } from '../../../test/webhook-receiver.js';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_SECONDS } from './webhook-delivery.service.js';
import { startWebhookPoller } from './webhooks.jobs.js';

// Reliability checklist E.29/E.30: signatures checked by an independent Standard Webhooks library
// (`standardwebhooks`), retries on the schedule, only a 2xx in time counts, replays keep the webhook-id.

let t: TestContext;
let rx: WebhookReceiver;
beforeAll(async () => {
  t = await createTestContext({ env: { OUTBOUND_ALLOWLIST: '127.0.0.1', WEBHOOK_TIMEOUT_SECONDS: '1' } });
  rx = await startWebhookReceiver();
}, 60_000);
afterAll(async () => {
  await rx?.close();
  await t?.close();
});

async function newEndpoint(path: string, eventTypes: string[], project = t.project) {
  const res = await t.request('POST', '/webhook-endpoints', { key: project.secretKey, body: { url: `${rx.base}${path}`, eventTypes } });
  expect(res.status).toBe(201);
  return res.json as { id: string; secret: string };
}

const track = async (event: string, email = 'wh-contact@example.com', data: Record<string, unknown> = { plan: 'pro' }, project = t.project) =>
  expect((await t.request('POST', '/v1/track', { key: project.publicKey, body: { event, email, data } })).status).toBeLessThan(300);

const headersOf = (h: Record<string, string>) => ({ 'webhook-id': h['webhook-id'], 'webhook-timestamp': h['webhook-timestamp'], 'webhook-signature': h['webhook-signature'] });

describe('signatures', () => {
  it('verify with the standardwebhooks library; one flipped byte is rejected; payload has the documented shape', async () => {
    const ep = await newEndpoint('/sig', ['order.*']);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await track('order.paid');
    await track('unrelated.event');
    await sweepUntilAttempted(t, ep.id);
    const [msg] = rx.received('/sig');
    expect(rx.received('/sig')).toHaveLength(1);
    expect(msg.headers['content-type']).toBe('application/json');
    expect(msg.headers['webhook-id']).toMatch(/^msg_/);
    const verified = new Webhook(ep.secret).verify(msg.body, headersOf(msg.headers)) as any;
    expect(verified).toMatchObject({ type: 'order.paid', data: { contact: { email: 'wh-contact@example.com' }, data: { plan: 'pro' } } });
    expect(verified.data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(verified.data.contactId).toBe(verified.data.contact.id);
    expect(Number.isNaN(Date.parse(verified.timestamp))).toBe(false);
    const flipped = Buffer.from(msg.body);
    flipped[10] ^= 0x01;
    expect(() => new Webhook(ep.secret).verify(flipped.toString('utf8'), headersOf(msg.headers))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(msg.body, headersOf(msg.headers))).toThrow();
  });

  it('during a rotation overlap both the old and the new secret verify; without overlap only the new one', async () => {
    const ep = await newEndpoint('/rotate', ['rot.*']);
    const rotated = await t.request('POST', `/webhook-endpoints/${ep.id}/rotate-secret`, { body: { overlapHours: 24 } });
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(ep.secret);
    expect(rotated.json.previousSecretExpiresAt).toBeTruthy();
    await track('rot.one');
    await sweepUntilAttempted(t, ep.id);
    const [first] = rx.received('/rotate');
    expect(first.headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [ep.secret, rotated.json.secret]) expect(() => new Webhook(secret).verify(first.body, headersOf(first.headers))).not.toThrow();

    const again = await t.request('POST', `/webhook-endpoints/${ep.id}/rotate-secret`, { body: { overlapHours: 0 } });
    await track('rot.two');
    await sweepUntilAttempted(t, ep.id, 2);
    const second = rx.received('/rotate')[1];
    expect(second.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(again.json.secret).verify(second.body, headersOf(second.headers))).not.toThrow();
    expect(() => new Webhook(rotated.json.secret).verify(second.body, headersOf(second.headers))).toThrow();
  });
});

describe('retries', () => {
  it('a receiver failing 3 times then succeeding gets the event once more and no further; gaps follow the schedule ±10 %', async () => {
    rx.on('/flaky', (n) => ({ status: n <= 3 ? 500 : 204 }));
    const ep = await newEndpoint('/flaky', ['flaky.event']);
    await track('flaky.event');
    let [d] = await sweepUntilAttempted(t, ep.id);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(d).toMatchObject({ status: 'PENDING', attempts: attempt });
      const planned = RETRY_SCHEDULE_SECONDS[attempt - 1];
      expect(d.gapSeconds!).toBeGreaterThanOrEqual(planned * 0.9 - 0.01);
      expect(d.gapSeconds!).toBeLessThanOrEqual(planned * 1.1 + 0.01);
      await sweep(t);
      expect(rx.received('/flaky')).toHaveLength(attempt); // not due yet: nothing sent
      await makeDue(t, ep.id);
      await sweep(t);
      [d] = await deliveriesOf(t, ep.id);
    }
    expect(d).toMatchObject({ status: 'SUCCEEDED', attempts: 4 });
    await makeDue(t, ep.id);
    await sweep(t);
    await sweep(t);
    const got = rx.received('/flaky');
    expect(got).toHaveLength(4);
    expect(new Set(got.map((m) => m.headers['webhook-id'])).size).toBe(1);

    const detail = await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries/${d.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.attemptLog.map((a: any) => a.responseStatus)).toEqual([500, 500, 500, 204]);
    expect(detail.json.payload.type).toBe('flaky.event');

    // Replay (of a succeeded delivery) sends the same webhook-id again and logs a replay attempt.
    const replay = await t.request('POST', `/webhook-endpoints/${ep.id}/deliveries/${d.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json.attemptLog.at(-1)).toMatchObject({ replay: true, responseStatus: 204 });
    expect(rx.received('/flaky')).toHaveLength(5);
    expect(rx.received('/flaky')[4].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
  });

  it('a redirect is a failure and is not followed; a receiver slower than the timeout is a failure', async () => {
    rx.on('/redirect', () => ({ status: 302, headers: { location: '/redirect-target' } }));
    rx.on('/slow', () => ({ status: 200, delayMs: 2500 }));
    const redirect = await newEndpoint('/redirect', ['edge.redirect']);
    const slow = await newEndpoint('/slow', ['edge.slow']);
    await track('edge.redirect');
    await track('edge.slow');
    const [r] = await sweepUntilAttempted(t, redirect.id);
    const [s] = await sweepUntilAttempted(t, slow.id);
    expect(r).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(s).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(rx.received('/redirect-target')).toHaveLength(0);
    const rd = (await t.request('GET', `/webhook-endpoints/${redirect.id}/deliveries/${r.id}`)).json;
    expect(rd.attemptLog[0].error).toMatch(/redirect \(3xx\)/);
    const sd = (await t.request('GET', `/webhook-endpoints/${slow.id}/deliveries/${s.id}`)).json;
    expect(sd.attemptLog[0].error).toMatch(/OUTBOUND_TIMEOUT/);
    expect(sd.attemptLog[0].durationMs).toBeLessThan(2400);
  });

  it('after the last attempt the delivery fails; 5 failed deliveries in a row disable the endpoint with an Activity entry', async () => {
    const p = await t.newProject('Auto-disable project');
    rx.on('/down', () => ({ status: 500 }));
    const ep = await newEndpoint('/down', ['down.*'], p);
    const watcher = await newEndpoint('/watcher', ['webhook.*'], p);
    for (let i = 0; i < 5; i++) await track(`down.e${i}`, `down-${i}@example.com`, {}, p);
    await sweepUntilAttempted(t, ep.id, 5);
    for (let round = 1; round < MAX_ATTEMPTS; round++) {
      await makeDue(t, ep.id);
      await sweep(t);
    }
    const list = await deliveriesOf(t, ep.id);
    expect(list.map((d) => [d.status, d.attempts])).toEqual(Array(5).fill(['FAILED', MAX_ATTEMPTS]));
    expect(rx.received('/down')).toHaveLength(5 * MAX_ATTEMPTS);
    const got = (await t.request('GET', `/webhook-endpoints/${ep.id}`, { key: p.secretKey })).json;
    expect(got).toMatchObject({ enabled: false, consecutiveFailures: 5 });
    expect(got.disabledReason).toMatch(/5 deliveries/);
    const activity = await t.request('GET', '/activity?type=webhook_endpoint.auto_disabled', { key: p.secretKey });
    expect(activity.json.data).toHaveLength(1);
    expect(activity.json.data[0].metadata).toMatchObject({ endpointId: ep.id });
    // The alert event reaches the project's other endpoints, not the disabled one.
    await sweepUntilAttempted(t, watcher.id);
    expect(JSON.parse(rx.received('/watcher')[0].body)).toMatchObject({ type: 'webhook.endpoint_disabled', data: { data: { endpointId: ep.id } } });
    await track('down.after', 'down-0@example.com', {}, p);
    await sweep(t);
    expect(await deliveriesOf(t, ep.id)).toHaveLength(5);
  });
});

describe('fan-out', () => {
  it('delivers an event once per endpoint even when dispatched twice; test messages go out at once', async () => {
    const ep = await newEndpoint('/once', ['once.event']);
    await track('once.event');
    await sweepUntilAttempted(t, ep.id);
    const { sql } = await import('drizzle-orm');
    const { queryRows } = await import('../../db/client.js');
    await queryRows(t.deps.db, sql`UPDATE events SET webhook_pending = true WHERE name = 'once.event' RETURNING id`);
    await Promise.all([sweep(t), sweep(t)]);
    expect(await deliveriesOf(t, ep.id)).toHaveLength(1);
    expect(rx.received('/once')).toHaveLength(1);

    const test = await t.request('POST', `/webhook-endpoints/${ep.id}/test`);
    expect(test.status).toBe(200);
    expect(test.json).toMatchObject({ eventType: 'webhook.test', status: 'SUCCEEDED', attempts: 1 });
    expect(JSON.parse(rx.received('/once')[1].body)).toMatchObject({ type: 'webhook.test', data: { test: true } });
    const log = await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries?status=SUCCEEDED&limit=1`);
    expect(log.json.data).toHaveLength(1);
    expect(log.json.hasMore).toBe(true);
    const next = await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries?status=SUCCEEDED&limit=1&cursor=${encodeURIComponent(log.json.cursor)}`);
    expect(next.json.data).toHaveLength(1);
    expect(next.json.data[0].id).not.toBe(log.json.data[0].id);
  });
});

describe('worker poller', () => {
  it('delivers on its own; two pollers side by side still deliver each event once', async () => {
    const ep = await newEndpoint('/polled', ['polled.*']);
    const pollers = [startWebhookPoller(t.deps, 50), startWebhookPoller(t.deps, 50)];
    try {
      for (let i = 0; i < 5; i++) await track(`polled.e${i}`, `polled-${i}@example.com`);
      await waitFor(async () => rx.received('/polled').length >= 5, 20_000, 'five polled deliveries');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }
    const got = rx.received('/polled');
    expect(got).toHaveLength(5);
    expect(new Set(got.map((m) => JSON.parse(m.body).type))).toEqual(new Set([0, 1, 2, 3, 4].map((i) => `polled.e${i}`)));
  });
});
