import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { bucketShape, deliveryConcurrency, takeSendToken } from './send-rate.js';
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
    await Promise.all(Array.from({ length: 30 }, (_, i) => takeSendToken(t.deps.db, 20, i % 2 ? 'bulk' : 'priority')));
    const elapsed = (Date.now() - started) / 1000;
    // A full bucket of 20 first, then 10 more at 20/s (plus the reserve bulk callers leave alone).
    expect(elapsed).toBeGreaterThan(0.4);
    expect(elapsed).toBeLessThan(3);
  });

  it('shapes the bucket and the worker loops from the rate', () => {
    expect(bucketShape(1)).toEqual({ burst: 1, reserve: 0 });
    expect(bucketShape(5)).toEqual({ burst: 5, reserve: 1 });
    expect(bucketShape(100)).toEqual({ burst: 100, reserve: 20 });
    expect(deliveryConcurrency(10, 0)).toBe(10);
    expect(deliveryConcurrency(10, 5)).toBe(1);
    expect(deliveryConcurrency(10, 1000)).toBe(10);
  });
});
