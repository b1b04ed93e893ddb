import { asError } from './errors.js';

export interface TickBatcherOptions {
  /**
   * At most this many batches run at once (default: no limit). Calls arriving while the limit is
   * reached wait and go together in the next batch, which starts as soon as one finishes: group
   * commit. A busy database then gets fewer, larger statements instead of a queue of small ones,
   * and an idle one still sees each call on the next turn of the event loop.
   */
  maxInFlight?: number;
}

/**
 * Collects calls made during one event-loop turn and runs them together. Every caller in a batch
 * arrived before the batch runs, so each sees the world as of after its arrival (no staleness, unlike
 * a cache); under load one round trip serves many concurrent requests.
 */
export function createTickBatcher<I, R>(run: (items: I[]) => Promise<(R | Error)[]>, opts: TickBatcherOptions = {}): (item: I) => Promise<R> {
  const maxInFlight = opts.maxInFlight ?? Infinity;
  let pending: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] | null = null;
  let scheduled = false;
  let inFlight = 0;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  async function flush() {
    scheduled = false;
    // At the limit, the batch that finishes next schedules the flush of what is waiting.
    if (!pending || inFlight >= maxInFlight) return;
    const batch = pending;
    pending = null;
    inFlight++;
    try {
      const results = await run(batch.map((p) => p.item));
      // A runner may fail single items (an Error in their slot) without failing the rest.
      batch.forEach((p, i) => {
        const r = results[i];
        if (r instanceof Error) p.reject(r);
        else p.resolve(r);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      inFlight--;
      if (pending) schedule();
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      (pending ??= []).push({ item, resolve, reject });
      schedule();
    });
}

/**
 * Stores `items` together; if that fails, each one alone, so a bad item (a refusal, a constraint)
 * fails only itself and the others are still stored. Results come back in input order, an Error in
 * the slot of each item that failed on its own.
 */
export async function storeTogetherOrAlone<I, R>(items: I[], store: (items: I[]) => Promise<R[]>): Promise<(R | Error)[]> {
  try {
    return await store(items);
  } catch (err) {
    if (items.length === 1) return [asError(err)];
    const results: (R | Error)[] = [];
    for (const item of items) results.push(...(await storeTogetherOrAlone([item], store)));
    return results;
  }
}
