import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { startCountingListener, type CountingListener } from '../../../test/outbound-servers.js';
import { deliveriesOf, makeDue, sweep, sweepUntilAttempted } from '../../../test/webhook-receiver.js';
import { queryRows } from '../../db/client.js';
import { MAX_ATTEMPTS } from './webhook-delivery.service.js';
import { getEndpoint, signingSecrets } from './webhook-endpoints.service.js';

// Endpoint CRUD, validation, tenancy, the secret's visibility, and the SSRF guard on every attempt
// (no OUTBOUND_ALLOWLIST here: a loopback receiver must get 0 connections).

let t: TestContext;
let listener: CountingListener;
beforeAll(async () => {
  t = await createTestContext({ env: { LOG_LEVEL: 'debug' } });
  listener = await startCountingListener();
}, 60_000);
afterAll(async () => {
  await listener?.close();
  await t?.close();
});

const url = () => `http://127.0.0.1:${listener.port}/hook`;

describe('webhook endpoints', () => {
  it('concurrent secret rotations serialise: every returned secret but the superseded ones still signs', async () => {
    const created = await t.request('POST', '/webhook-endpoints', { body: { url: 'https://hooks.example.com/rot' } });
    // On postgres, a transaction holds the row meanwhile, so all five requests read it before any writes.
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder =
      t.deps.database.kind === 'postgres'
        ? t.deps.db.transaction(async (tx) => {
            await getEndpoint(tx, t.project.id, created.json.id, { lock: true });
            locked();
            await new Promise<void>((r) => (release = r));
          })
        : (locked(), Promise.resolve());
    await isLocked;
    const pending = Promise.all(Array.from({ length: 5 }, () => t.request('POST', `/webhook-endpoints/${created.json.id}/rotate-secret`)));
    await new Promise((r) => setTimeout(r, 300));
    release();
    await holder;
    const rotations = await pending;
    const returned = rotations.map((r) => r.json.secret as string);
    const row = await getEndpoint(t.deps.db, t.project.id, created.json.id);
    const signing = signingSecrets(t.deps.masterKey, row, t.deps.clock.now());
    // The last rotation's secret signs, and the overlap keeps the one it replaced (another rotation's).
    expect(signing).toHaveLength(2);
    for (const s of signing) expect(returned).toContain(s);
  });

  it('creates, lists, updates and deletes; secret shown once; activity written without the secret', async () => {
    const created = await t.request('POST', '/webhook-endpoints', { body: { url: 'https://hooks.example.com/in', description: 'CRM', eventTypes: ['email.open', 'contact.*', 'email.open'] } });
    expect(created.status).toBe(201);
    const secret: string = created.json.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(created.json).toMatchObject({ url: 'https://hooks.example.com/in', eventTypes: ['email.opened', 'contact.*'], enabled: true, consecutiveFailures: 0 });
    const id = created.json.id;

    const list = await t.request('GET', '/webhook-endpoints');
    expect(list.json.map((e: any) => e.id)).toContain(id);
    const patched = await t.request('PATCH', `/webhook-endpoints/${id}`, { body: { eventTypes: [], enabled: false } });
    expect(patched.json).toMatchObject({ eventTypes: [], enabled: false });
    expect(patched.json.disabledAt).toBeTruthy();
    const reenabled = await t.request('PATCH', `/webhook-endpoints/${id}`, { body: { enabled: true } });
    expect(reenabled.json).toMatchObject({ enabled: true, disabledAt: null });
    const rotated = await t.request('POST', `/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    const got = await t.request('GET', `/webhook-endpoints/${id}`);
    const activity = await t.request('GET', '/activity?type=webhook_endpoint.*&limit=100');
    expect(activity.json.data.map((a: any) => a.type)).toEqual(
      expect.arrayContaining(['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.secret_rotated']),
    );
    for (const text of [list.body, patched.body, reenabled.body, got.body, activity.body, t.logs.join('\n')]) {
      expect(text.includes(secret) || text.includes(rotated.json.secret), 'a secret leaked').toBe(false);
    }
    // Stored encrypted, also in the stored Idempotency-Key answer.
    const keyed = await t.request('POST', '/webhook-endpoints', { body: { url: 'https://hooks.example.com/keyed' }, headers: { 'idempotency-key': 'wh-create-1' } });
    const replayed = await t.request('POST', '/webhook-endpoints', { body: { url: 'https://hooks.example.com/keyed' }, headers: { 'idempotency-key': 'wh-create-1' } });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json.secret).toBe(keyed.json.secret);
    const dump = await queryRows<{ text: string }>(
      t.deps.db,
      sql`SELECT (SELECT coalesce(string_agg(response_body::text, ''), '') FROM idempotency_keys) || (SELECT string_agg(secret_ciphertext, '') FROM webhook_endpoints) AS text`,
    );
    expect(dump[0].text.includes(keyed.json.secret) || dump[0].text.includes(secret)).toBe(false);

    expect((await t.request('DELETE', `/webhook-endpoints/${id}`)).status).toBe(204);
    const gone = await t.request('GET', `/webhook-endpoints/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('WEBHOOK_ENDPOINT_NOT_FOUND');
    const deleted = await t.request('GET', '/activity?type=webhook_endpoint.deleted');
    expect(deleted.json.data[0].metadata).toMatchObject({ endpointId: id });
  });

  it('validates URLs and event types', async () => {
    for (const body of [
      { url: 'ftp://example.com/x' },
      { url: 'not a url' },
      { url: `https://example.com/${'a'.repeat(2000)}` },
      { url: 'https://example.com', eventTypes: ['a*b'] },
      { url: 'https://example.com', eventTypes: ['*'] },
      { url: 'https://example.com', eventTypes: ['has space'] },
    ]) {
      const res = await t.request('POST', '/webhook-endpoints', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await t.request('GET', '/webhook-endpoints/not-a-uuid')).status).toBe(404);
    const ep = (await t.request('POST', '/webhook-endpoints', { body: { url: 'https://example.com' } })).json;
    const missing = await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries/00000000-0000-4000-8000-000000000000`);
    expect(missing.json.error.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    expect((await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries?cursor=forged`)).status).toBe(400);
  });

  it("keeps projects apart: another project's endpoint and deliveries are 404", async () => {
    const b = await t.newProject('Webhook project B');
    const ep = (await t.request('POST', '/webhook-endpoints', { body: { url: 'https://a-only.example.com/hook' } })).json;
    const asB = (method: string, path: string, body?: unknown) => t.request(method, path, { key: b.secretKey, body });
    for (const [method, path, body] of [
      ['GET', `/webhook-endpoints/${ep.id}`],
      ['PATCH', `/webhook-endpoints/${ep.id}`, { enabled: false }],
      ['DELETE', `/webhook-endpoints/${ep.id}`],
      ['POST', `/webhook-endpoints/${ep.id}/rotate-secret`, {}],
      ['POST', `/webhook-endpoints/${ep.id}/test`],
      ['GET', `/webhook-endpoints/${ep.id}/deliveries`],
    ] as [string, string, unknown?][]) {
      const res = await asB(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await asB('GET', '/webhook-endpoints')).json).toEqual([]);
    expect((await t.request('GET', `/webhook-endpoints/${ep.id}`)).json.enabled).toBe(true);
  });
});

describe('SSRF guard', () => {
  it('a loopback endpoint without OUTBOUND_ALLOWLIST fails every attempt and is never connected to', async () => {
    const ep = (await t.request('POST', '/webhook-endpoints', { body: { url: url(), eventTypes: ['ssrf.probe'] } })).json;
    const test = await t.request('POST', `/webhook-endpoints/${ep.id}/test`);
    expect(test.json).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(test.json.attemptLog[0].error).toMatch(/OUTBOUND_BLOCKED/);
    await t.request('POST', '/v1/track', { key: t.project.publicKey, body: { event: 'ssrf.probe', email: 'ssrf@example.com' } });
    await sweepUntilAttempted(t, ep.id, 2);
    for (let round = 1; round < MAX_ATTEMPTS; round++) {
      await makeDue(t, ep.id);
      await sweep(t);
    }
    const list = await deliveriesOf(t, ep.id);
    expect(list.map((d) => [d.status, d.attempts])).toEqual([
      ['FAILED', MAX_ATTEMPTS],
      ['FAILED', MAX_ATTEMPTS],
    ]);
    const detail = await t.request('GET', `/webhook-endpoints/${ep.id}/deliveries/${list[1].id}`);
    expect(detail.json.attemptLog).toHaveLength(MAX_ATTEMPTS);
    expect(detail.json.attemptLog.every((a: any) => /OUTBOUND_BLOCKED/.test(a.error))).toBe(true);
    const replay = await t.request('POST', `/webhook-endpoints/${ep.id}/deliveries/${list[1].id}/replay`);
    expect(replay.json.attemptLog.at(-1)).toMatchObject({ replay: true });
    expect(replay.json.status).toBe('FAILED');
    expect(listener.connections).toBe(0);
  });
});
