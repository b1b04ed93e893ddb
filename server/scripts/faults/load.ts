import { rows, type Stack } from './harness.js';

// Steady /v1/send and /v1/track traffic from a few concurrent clients, every request recorded: when it
// started and ended, and what came back. A 200 is an acknowledgement the scenario then holds the
// server to: the send or event must be stored and every acknowledged send delivered.

export interface RequestRecord {
  kind: 'send' | 'track';
  /** The unique address this request is about (the send's recipient, the tracked contact). */
  email: string;
  startedAt: number;
  endedAt: number;
  status: number | null;
  code: string | null;
  requestId: string | null;
  error: string | null;
}

export interface Load {
  records: RequestRecord[];
  stop(): Promise<void>;
}

export const TRACK_EVENT = 'faults-load';

export function startLoad(stack: Stack, keys: { publicKey: string; secretKey: string }, opts: { clients: number; tag: string; timeoutMs?: number }): Load {
  const records: RequestRecord[] = [];
  let running = true;
  let n = 0;
  const client = async (c: number) => {
    while (running) {
      const i = n++;
      const kind = i % 2 === 0 ? 'send' : 'track';
      const email = `${kind}${i}@${opts.tag}.faults.test`;
      const body =
        kind === 'send'
          ? { to: email, from: 'load@faults.test', subject: `Load ${i}`, body: `<p>Load message ${i}</p>` }
          : { event: TRACK_EVENT, email, data: { i } };
      const rec: RequestRecord = { kind, email, startedAt: performance.now(), endedAt: 0, status: null, code: null, requestId: null, error: null };
      records.push(rec);
      try {
        const res = await fetch(`${stack.apiUrl}/v1/${kind}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${kind === 'send' ? keys.secretKey : keys.publicKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
        rec.status = res.status;
        const json = (await res.json().catch(() => null)) as { error?: { code?: string; requestId?: string } } | null;
        rec.code = json?.error?.code ?? null;
        rec.requestId = json?.error?.requestId ?? null;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        rec.error = cause?.code ?? (err as Error).name ?? String(err);
      }
      rec.endedAt = performance.now();
      // A refused connection comes back at once; do not spin on it.
      if (rec.error) await new Promise((r) => setTimeout(r, 50));
    }
    void c;
  };
  const done = Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  return {
    records,
    async stop() {
      running = false;
      await done;
    },
  };
}

/** Acknowledged (200) requests whose send or event is missing from the database. */
export async function missingAcknowledged(stack: Stack, projectId: string, records: RequestRecord[]): Promise<string[]> {
  const acked = records.filter((r) => r.status === 200);
  const sends = acked.filter((r) => r.kind === 'send').map((r) => r.email);
  const tracks = acked.filter((r) => r.kind === 'track').map((r) => r.email);
  const storedSends = new Set(
    (await rows<{ e: string }>(stack, 'select lower(to_email) as e from emails where project_id = $1 and to_email = any($2)', [projectId, sends])).map((r) => r.e),
  );
  const storedTracks = new Set(
    (
      await rows<{ e: string }>(
        stack,
        'select lower(c.email) as e from events ev join contacts c on c.id = ev.contact_id where ev.project_id = $1 and ev.name = $2 and c.email = any($3)',
        [projectId, TRACK_EVENT, tracks],
      )
    ).map((r) => r.e),
  );
  return [...sends.filter((e) => !storedSends.has(e)).map((e) => `send to ${e}`), ...tracks.filter((e) => !storedTracks.has(e)).map((e) => `track of ${e}`)];
}

export function statusCounts(records: RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) {
    const k = r.status ? `${r.status}${r.code ? ' ' + r.code : ''}` : (r.error ?? 'no answer');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k}: ${v}`).join(', ');
}
