import { describe, expect, it } from 'vitest';
import { createTickBatcher } from './tick-batcher.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('createTickBatcher', () => {
  it('runs the calls of one event-loop turn as one batch and answers each with its own result', async () => {
    const batches: number[][] = [];
    const double = createTickBatcher(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => (i === 3 ? new Error('three') : i * 2));
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => double(i)));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 4, 'three']);
  });

  it('with maxInFlight, holds later calls until a batch finishes and then runs them together', async () => {
    const batches: number[][] = [];
    const release: (() => void)[] = [];
    const echo = createTickBatcher(
      async (items: number[]) => {
        batches.push(items);
        await new Promise<void>((r) => release.push(r));
        return items;
      },
      { maxInFlight: 1 },
    );
    const first = echo(1);
    await tick();
    const waiting = [echo(2), echo(3)];
    await tick();
    await tick();
    const more = echo(4);
    await tick();
    expect(batches).toEqual([[1]]);
    release.shift()!();
    await first;
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    release.shift()!();
    expect(await Promise.all([...waiting, more])).toEqual([2, 3, 4]);
  });
});
