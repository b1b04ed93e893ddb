import { createTestContext, type TestContext } from '../../server/test/context.js';

/** The real app (routes, database, worker, Dev Inbox transport) listening on a free port of 127.0.0.1. */
export async function startApi(env: Record<string, string> = {}): Promise<{ t: TestContext; baseUrl: string }> {
  const t = await createTestContext({ env });
  await t.startWorker();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as { port: number };
  return { t, baseUrl: `http://127.0.0.1:${port}` };
}

export interface SeenAttempt {
  method: string;
  url: string;
  idempotencyKey: string | null;
  status: number | null;
  replayed: boolean;
}

/** A fetch that records every attempt; `loseResponse(n)` makes attempt n reach the server but never answer the client. */
export function recordingFetch(loseResponse: (attempt: number) => boolean = () => false) {
  const attempts: SeenAttempt[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const seen: SeenAttempt = { method: init?.method ?? 'GET', url: String(input), idempotencyKey: headers.get('idempotency-key'), status: null, replayed: false };
    attempts.push(seen);
    const res = await fetch(input, init);
    seen.status = res.status;
    seen.replayed = res.headers.get('idempotent-replayed') === 'true';
    if (loseResponse(attempts.length)) {
      await res.arrayBuffer();
      // What undici throws when a connection drops before the response arrives.
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    return res;
  };
  return { fetch: fetchImpl, attempts };
}
