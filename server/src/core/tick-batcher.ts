/**
 * Collects calls made during one event-loop turn and runs them together. Every caller in a batch
 * arrived before the batch runs, so each sees the world as of after its arrival (no staleness, unlike
 * a cache); under load one round trip serves many concurrent requests.
 */
export function createTickBatcher<I, R>(run: (items: I[]) => Promise<(R | Error)[]>): (item: I) => Promise<R> {
  let pending: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] | null = null;

  async function flush() {
    const batch = pending!;
    pending = null;
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
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (!pending) {
        pending = [];
        setImmediate(() => void flush());
      }
      pending.push({ item, resolve, reject });
    });
}
