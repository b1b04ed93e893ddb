import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { emails, events, idempotencyKeys } from '../../db/schema/index.js';
import { purgeExpiredIdempotencyKeys } from './idempotency.service.js';

let t: TestContext;
beforeAll(async () => {
  // Bursts of 50 identical requests are the point here, not the rate limiter.
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
});
afterAll(() => t.close());

const send = (key: string, body: unknown, apiKey?: string) =>
  t.request('POST', '/v1/send', { key: apiKey, body, headers: { 'idempotency-key': key } });
const emailsTo = async (to: string) => (await t.deps.db.select().from(emails).where(eq(emails.toEmail, to))).length;
const mail = (to: string) => ({ to, subject: 'Once', body: '<p>once</p>' });

describe('Idempotency-Key on /v1/send', () => {
  it('sends once for ten sequential requests and replays the original response', async () => {
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await send('order-1001', mail('seq@example.com')));
    expect(await emailsTo('seq@example.com')).toBe(1);
    expect(results[0].headers['idempotent-replayed']).toBeUndefined();
    for (const r of results.slice(1)) {
      expect(r.status).toBe(200);
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.json).toEqual(results[0].json);
    }
  });

  it('creates exactly one email for 50 concurrent requests with one key, answering replays or 409', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => send('burst-key', mail('burst@example.com'))));
    expect(await emailsTo('burst@example.com')).toBe(1);
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(50);
    expect(new Set(ok.map((r) => r.json.data.emails[0].email)).size).toBe(1);
    for (const r of busy) {
      expect(r.json.error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses the same key with a different body, writing nothing', async () => {
    await send('reuse-key', mail('first@example.com'));
    const res = await send('reuse-key', mail('second@example.com'));
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    expect(await emailsTo('second@example.com')).toBe(0);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const a = await send('order-key', { to: 'ord@example.com', subject: 'S', body: 'B' });
    const b = await send('order-key', { body: 'B', subject: 'S', to: 'ord@example.com' });
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json).toEqual(a.json);
  });

  it('scopes keys per project', async () => {
    const other = await t.newProject('Other');
    await send('shared-key', mail('scope@example.com'));
    const res = await send('shared-key', mail('scope@example.com'), other.secretKey);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await emailsTo('scope@example.com')).toBe(2);
  });

  it('leaves the key free when the request fails, so a corrected retry goes through', async () => {
    const noSender = await t.newProject('No sender', null);
    const failed = await send('fix-me', mail('fix@example.com'), noSender.secretKey);
    expect(failed.status).toBe(422);
    const fixed = await send('fix-me', { ...mail('fix@example.com'), from: 'me@example.com' }, noSender.secretKey);
    expect(fixed.status).toBe(200);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses malformed keys with 400 before doing anything', async () => {
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'é-accent']) {
      const res = await send(key, mail('badkey@example.com'));
      expect(res.status, JSON.stringify(key)).toBe(400);
    }
    expect(await emailsTo('badkey@example.com')).toBe(0);
  });

  it('treats an expired key as new', async () => {
    await send('old-key', mail('expired@example.com'));
    await t.deps.db
      .update(idempotencyKeys)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(and(eq(idempotencyKeys.projectId, t.project.id), eq(idempotencyKeys.key, 'old-key')));
    const again = await send('old-key', mail('expired@example.com'));
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await emailsTo('expired@example.com')).toBe(2);
  });
});

describe('Idempotency-Key on /v1/track', () => {
  it('stores the event once and replays its ids', async () => {
    const body = { event: 'purchase', email: 'buyer@example.com', data: { amount: 42 } };
    const headers = { 'idempotency-key': 'purchase-77' };
    const first = await t.request('POST', '/v1/track', { key: t.project.publicKey, body, headers });
    const again = await t.request('POST', '/v1/track', { key: t.project.publicKey, body, headers });
    expect(first.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    const stored = await t.deps.db.select().from(events).where(eq(events.name, 'purchase'));
    expect(stored).toHaveLength(1);
  });
});

describe('expired keys', () => {
  it('are removed by the hourly purge, and live ones are kept', async () => {
    await send('purge-old', mail('purge1@example.com'));
    await send('purge-live', mail('purge2@example.com'));
    await t.deps.db.update(idempotencyKeys).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(idempotencyKeys.key, 'purge-old'));
    expect(await purgeExpiredIdempotencyKeys(t.deps.db)).toBeGreaterThanOrEqual(1);
    const keys = (await t.deps.db.select().from(idempotencyKeys)).map((k) => k.key);
    expect(keys).toContain('purge-live');
    expect(keys).not.toContain('purge-old');
  });
});
