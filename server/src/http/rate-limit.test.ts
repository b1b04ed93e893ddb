import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import type { Env } from '../config.js';
import { createRateLimiter } from './rate-limit.js';

// Burst 5 at 0.1/s: once spent, a bucket stays empty for the whole test.
const TIGHT: Env = {
  RATE_LIMIT_TRACK_PER_SECOND: '0.1',
  RATE_LIMIT_TRACK_BURST: '5',
  RATE_LIMIT_SEND_PER_SECOND: '0.1',
  RATE_LIMIT_SEND_BURST: '5',
};
// A prefix of our own per run, so parallel runs sharing one Redis never see each other's buckets.
const REDIS: Env = { REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_KEY_PREFIX: `mailwright-test:${randomBytes(6).toString('hex')}` };

const trackBody = (i: number) => ({ event: 'burst', email: `rl${i}@example.com` });
const sendBody = { to: 'rl@example.com', subject: 'Hi', body: '<p>Hi</p>' };

async function burst(t: TestContext, key: string, n = 20) {
  return Promise.all(Array.from({ length: n }, (_, i) => t.request('POST', '/v1/track', { key, body: trackBody(i) })));
}

function expectExactlyFiveGranted(results: Awaited<ReturnType<typeof burst>>) {
  const ok = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status === 429);
  expect(ok).toHaveLength(5);
  expect(refused).toHaveLength(15);
  for (const r of refused) {
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(r.headers['ratelimit-remaining']).toBe('0');
    expect(r.headers['ratelimit-limit']).toBe('5');
    expect(r.json.error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', statusCode: 429, details: { retryAfter: Number(r.headers['retry-after']) } });
    expect(r.json.error.message).toBe(`Rate limit exceeded for this endpoint (0.1/second sustained, 5 burst). Retry in ${r.headers['retry-after']}s.`);
  }
  for (const r of ok) expect(Number(r.headers['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
}

describe('rate limits (memory store)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ env: TIGHT });
  });
  afterAll(() => t.close());

  it('grants exactly the burst of 20 concurrent requests and refuses the rest with Retry-After', async () => {
    const p = await t.newProject('memory burst');
    expectExactlyFiveGranted(await burst(t, p.publicKey));
  });

  it('counts down RateLimit-Remaining and says when the bucket is full again', async () => {
    const p = await t.newProject('headers');
    const first = await t.request('POST', '/v1/track', { key: p.publicKey, body: trackBody(1) });
    const second = await t.request('POST', '/v1/track', { key: p.publicKey, body: trackBody(2) });
    expect(first.headers['ratelimit-limit']).toBe('5');
    expect(first.headers['ratelimit-remaining']).toBe('4');
    expect(second.headers['ratelimit-remaining']).toBe('3');
    expect(Number(second.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    expect(first.headers['retry-after']).toBeUndefined();
  });

  it('keeps buckets per project: B is unaffected when A is exhausted', async () => {
    const a = await t.newProject('A');
    const b = await t.newProject('B');
    await burst(t, a.publicKey, 6);
    expect((await t.request('POST', '/v1/track', { key: a.publicKey, body: trackBody(0) })).status).toBe(429);
    const res = await t.request('POST', '/v1/track', { key: b.publicKey, body: trackBody(0) });
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-remaining']).toBe('4');
  });

  it('keeps buckets per endpoint: send is unaffected when track is exhausted', async () => {
    const p = await t.newProject('per bucket');
    await burst(t, p.publicKey, 6);
    const res = await t.request('POST', '/v1/send', { key: p.secretKey, body: sendBody });
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-remaining']).toBe('4');
  });

  it('lets requests without a project through untouched (auth answers first)', async () => {
    const res = await t.request('POST', '/v1/track', { key: null, body: trackBody(0) });
    expect(res.status).toBe(401);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('rate limits (Redis store)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ env: { ...TIGHT, ...REDIS } });
  });
  afterAll(() => t.close());

  it('grants exactly the burst of 20 concurrent requests and refuses the rest with Retry-After', async () => {
    const p = await t.newProject('redis burst');
    expectExactlyFiveGranted(await burst(t, p.publicKey));
    expect(t.logs.join('')).not.toContain('Redis unavailable');
  });

  it('shares buckets between processes', async () => {
    const p = await t.newProject('shared');
    await burst(t, p.publicKey, 5);
    const other = await createRateLimiter(t.deps.config, pino({ level: 'silent' }));
    try {
      expect(await other.consume('track', p.id)).toMatchObject({ allowed: false, remaining: 0 });
      expect(await other.consume('send', p.id)).toMatchObject({ allowed: true, remaining: 4 });
    } finally {
      await other.close();
    }
  });
});

describe('rate limits when Redis is down', () => {
  let t: TestContext;
  beforeAll(async () => {
    // Nothing listens on port 1: the connection is refused at once.
    t = await createTestContext({ env: { ...TIGHT, ...REDIS, REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => t.close());

  it('fails open to per-process buckets and logs an error', async () => {
    const p = await t.newProject('redis down');
    const started = Date.now();
    expectExactlyFiveGranted(await burst(t, p.publicKey));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(t.logs.some((l) => l.includes('"level":50') && l.includes('Redis unavailable'))).toBe(true);
  });
});

describe('rate limits switched off', () => {
  let off: TestContext;
  let zero: TestContext;
  beforeAll(async () => {
    [off, zero] = await Promise.all([
      createTestContext({ env: { ...TIGHT, RATE_LIMIT_ENABLED: 'false' } }),
      createTestContext({ env: { ...TIGHT, RATE_LIMIT_TRACK_PER_SECOND: '0' } }),
    ]);
  });
  afterAll(() => Promise.all([off.close(), zero.close()]));

  it('sends no headers and refuses nothing when RATE_LIMIT_ENABLED=false', async () => {
    const results = await burst(off, off.project.publicKey, 10);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of results) expect(r.headers['ratelimit-limit']).toBeUndefined();
  });

  it('disables a bucket whose rate is 0, leaving the others on', async () => {
    const results = await burst(zero, zero.project.publicKey, 10);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results[0].headers['ratelimit-limit']).toBeUndefined();
    const send = await zero.request('POST', '/v1/send', { body: sendBody });
    expect(send.headers['ratelimit-limit']).toBe('5');
  });
});
