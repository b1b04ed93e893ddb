import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { bucketShape, deliveryConcurrency, handoffSlots, takeSendToken } from './send-rate.js';
import { ensureRateBucket, takeRateTokens } from './send-rate.queries.js';

// The shared token bucket behind SEND_RATE_PER_SECOND, on the real database.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.close();
});

const slow = { ratePerSecond: 0.001, burst: 5, reserve: 1 };

describe('rate bucket', () => {
  it('never grants more than the bucket holds, however many take at once', async () => {
    await ensureRateBucket(t.deps.db, 'test:concurrent', 5);
    const grants = await Promise.all(
      Array.from({ length: 20 }, () => takeRateTokens(t.deps.db, 'test:concurrent', { ...slow, reserve: 0, wantPriority: 1, wantBulk: 0 })),
    );
    expect(grants.reduce((n, g) => n + g!.priority, 0)).toBe(5);
  });

  it('keeps the reserve for priority mail: bulk takers stop one token short', async () => {
    await ensureRateBucket(t.deps.db, 'test:reserve', 5);
    const bulk = await takeRateTokens(t.deps.db, 'test:reserve', { ...slow, wantPriority: 0, wantBulk: 10 });
    expect(bulk).toMatchObject({ priority: 0, bulk: 4 });
    expect(await takeRateTokens(t.deps.db, 'test:reserve', { ...slow, wantPriority: 0, wantBulk: 10 })).toMatchObject({ bulk: 0 });
    expect(await takeRateTokens(t.deps.db, 'test:reserve', { ...slow, wantPriority: 3, wantBulk: 3 })).toMatchObject({ priority: 1, bulk: 0 });
  });

  it('grants priority takers first when both wait', async () => {
    await ensureRateBucket(t.deps.db, 'test:both', 5);
    expect(await takeRateTokens(t.deps.db, 'test:both', { ...slow, wantPriority: 3, wantBulk: 5 })).toMatchObject({ priority: 3, bulk: 1 });
  });

  it('refills at the configured rate, up to the burst', async () => {
    await ensureRateBucket(t.deps.db, 'test:refill', 2);
    const r = { ratePerSecond: 20, burst: 2, reserve: 0, wantBulk: 0 };
    expect((await takeRateTokens(t.deps.db, 'test:refill', { ...r, wantPriority: 10 }))!.priority).toBe(2);
    await new Promise((res) => setTimeout(res, 1_000));
    // 20 tokens' worth of time passed, but the bucket holds 2.
    expect((await takeRateTokens(t.deps.db, 'test:refill', { ...r, wantPriority: 10 }))!.priority).toBe(2);
  });

  it('takeSendToken paces callers to the rate', async () => {
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, async (_, i) => (await takeSendToken(t.deps.db, 20, i % 2 ? 'bulk' : 'priority', 30))()));
    const elapsed = (Date.now() - started) / 1000;
    // A bucket of 1 (a twentieth of a second's worth) first, then 29 more at 20/s.
    expect(elapsed).toBeGreaterThan(1.2);
    expect(elapsed).toBeLessThan(4);
  });

  it('hands out no more tokens than there are free handoff slots', async () => {
    // 100/s with 3 connections: 10 slots. Of twenty callers whose handoffs do not end, ten get a token.
    // (A fresh database: each database's process-wide pump keeps the rate it was first asked for.)
    const other = await createTestContext();
    try {
      const granted: number[] = [];
      const releases = Array.from({ length: 20 }, (_, i) => takeSendToken(other.deps.db, 100, 'bulk', 3).then((release) => (granted.push(i), release)));
      await new Promise((res) => setTimeout(res, 1_000));
      expect(granted).toHaveLength(handoffSlots(100, 3));
      (await Promise.all(releases.slice(0, 10))).forEach((release) => release());
      await Promise.all(releases);
      expect(granted).toHaveLength(20);
    } finally {
      await other.close();
    }
  });

  it('shapes the bucket, the handoff slots and the worker loops from the rate', () => {
    expect(bucketShape(1)).toEqual({ burst: 1, reserve: 0 });
    expect(bucketShape(5)).toEqual({ burst: 1, reserve: 0 });
    expect(bucketShape(100)).toEqual({ burst: 5, reserve: 1 });
    expect(handoffSlots(100, 3)).toBe(10);
    expect(handoffSlots(20, 5)).toBe(5);
    expect(deliveryConcurrency(10, 0)).toBe(10);
    expect(deliveryConcurrency(10, 5)).toBe(1);
    expect(deliveryConcurrency(10, 1000)).toBe(10);
  });
});
