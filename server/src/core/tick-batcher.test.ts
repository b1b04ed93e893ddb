import { describe, expect, it } from 'vitest';
import { createTickBatcher, storeTogetherOrAlone } from './tick-batcher.js';

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

describe('storeTogetherOrAlone', () => {
  it('stores a group in one call, and after a failure each item alone so only the bad one fails', async () => {
    const calls: number[][] = [];
    const stored: number[] = [];
    const store = async (items: number[]) => {
      calls.push(items);
      if (items.includes(3)) throw new Error('three refused');
      stored.push(...items);
      return items.map((i) => i * 10);
    };
    expect(await storeTogetherOrAlone([1, 2], store)).toEqual([10, 20]);
    const results = await storeTogetherOrAlone([4, 3, 5], store);
    expect(results.map((r) => (r instanceof Error ? r.message : r))).toEqual([40, 'three refused', 50]);
    expect(calls).toEqual([[1, 2], [4, 3, 5], [4], [3], [5]]);
    expect(stored).toEqual([1, 2, 4, 5]);
  });
});
