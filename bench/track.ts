import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  DIST_MAIN_JS,
  ROOT,
  createProjectViaCli,
  freePort,
  loadBefore,
  sampleRss,
  scoped,
  startChild,
  startNodeFlags,
  throwawayDatabase,
  tmpDir,
  waitHealthy,
} from './lib.js';
import { TRACK, loadPost, probe, type LoadOptions, type Measurement, type PostLoad } from './load.js';
import type { BenchReport, SummaryRow, Verdict } from './results.js';

// POST /v1/track on Mailwright against a bare Fastify + one-INSERT baseline on the same database kind
// (PGlite, then PostgreSQL). The ratio says how much of the raw database+HTTP throughput the real
// endpoint (auth, contact upsert, event, audit rows, outbox trigger, request log) keeps. Run by run.ts.

/** PostgreSQL: batching concurrent requests into shared statements must beat one INSERT per request. */
const TARGET_PG = 1.0;
/**
 * PGlite runs the database inside the server process, one query at a time: every write the endpoint
 * makes beyond the baseline's single INSERT (contact upsert, outbox trigger, activity rows) is CPU on
 * the same thread, and batching saves round trips PGlite does not have. Embedded mode is for
 * development and small installs; half the bare throughput is the bar there.
 */
const TARGET_PGLITE = 0.5;
const P99_TARGET_MS = 50;
const RSS_TARGET_MIB = 250;
const BASELINE_TS = path.join(ROOT, 'bench/baseline-server.ts');

export type Kind = 'pglite' | 'postgres';
export const KIND_LABEL: Record<Kind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };

export interface HttpOptions {
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
}

export const loadOptions = (o: HttpOptions): LoadOptions => ({ ...o, distinctEmails: 3000 });

export interface MailwrightRun {
  m: Measurement;
  /** Peak VmRSS of the Mailwright process during the load, MiB. */
  rssMiB: number | null;
}

export async function measureBaseline(kind: Kind, load: LoadOptions): Promise<Measurement> {
  return scoped(async (scope) => {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port) };
    if (kind === 'postgres') env.DATABASE_URL = await throwawayDatabase(scope, 'baseline');
    else env.DATA_DIR = tmpDir(scope, 'baseline');
    const url = `http://127.0.0.1:${port}`;
    const child = startChild(scope, `baseline (${kind})`, ['--import', 'tsx', BASELINE_TS], env);
    await waitHealthy(url, child);
    await probe(url, null, TRACK, load);
    return loadPost(url, null, TRACK, load);
  });
}

/** Starts the server as `npm start [-- args]` does (its Node flags included) on a fresh database, creates a project and runs the load with the given key. */
export async function measureMailwright(kind: Kind, args: string[], post: PostLoad, key: 'publicKey' | 'secretKey', load: LoadOptions): Promise<MailwrightRun> {
  return scoped(async (scope) => {
    const port = await freePort();
    // Limits far above the load, so the limiter's cost is measured but nothing is refused.
    const env: Record<string, string> = {
      PORT: String(port),
      DATA_DIR: tmpDir(scope, 'mailwright'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_TRACK_PER_SECOND: '1000000',
      RATE_LIMIT_TRACK_BURST: '1000000',
      RATE_LIMIT_SEND_PER_SECOND: '1000000',
      RATE_LIMIT_SEND_BURST: '1000000',
      MAIL_TRANSPORT: 'inbox',
      REQUIRE_VERIFIED_DOMAINS: 'false',
    };
    if (kind === 'postgres') {
      env.DATABASE_URL = await throwawayDatabase(scope, 'mailwright');
      env.MASTER_KEY = randomBytes(32).toString('hex');
    }
    const url = `http://127.0.0.1:${port}`;
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = startChild(scope, `mailwright (${kind})`, [...startNodeFlags(), ...nodeArgs, DIST_MAIN_JS, ...args], env);
    await waitHealthy(url, child);
    const keys = await createProjectViaCli(env);
    await probe(url, keys[key], post, load);
    const rss = sampleRss(child.proc.pid!);
    const m = await loadPost(url, keys[key], post, load);
    return { m, rssMiB: rss.stop() };
  });
}

export const valid = (...ms: Measurement[]) => ms.every((m) => m.non2xx === 0 && m.errors === 0 && m.total > 0);
export const mib = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} MiB`);
export const rssVerdict = (v: number | null): Verdict => (v !== null && v < RSS_TARGET_MIB ? 'PASS' : 'FAIL');
export const RSS_TARGET = `< ${RSS_TARGET_MIB} MiB`;

/** The detail table shared by the track and send sections. */
export function measurementTable(rows: { db: string; server: string; m: Measurement; ratio?: number; rss?: number | null }[]): string[] {
  const head = ['Database', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors', 'ratio', 'peak RSS'];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...rows.map(({ db, server, m, ratio, rss }) =>
      [db, server, m.reqPerSec.toFixed(0), m.p50Ms, m.p99Ms, m.maxMs, m.total, m.non2xx, m.timeouts ? `${m.errors} (${m.timeouts} timeouts)` : m.errors, ratio === undefined ? '' : ratio.toFixed(2), rss === undefined ? '' : mib(rss)]
        .map(String)
        .join(' | '),
    ).map((r) => `| ${r} |`),
  ];
}

export const loadLine = (load: LoadOptions) =>
  `- Load: ${load.connections} connections × ${load.durationSeconds} s per run after a ${load.warmupSeconds} s warm-up (discarded, same for every server), ${load.distinctEmails} distinct contacts; load generator in-process (autocannon), servers as child processes`;

/** Both database kinds. The PostgreSQL baseline is handed back for the send benchmark. */
export async function runTrackBench(opts: HttpOptions): Promise<{ report: BenchReport; pgBaseline: Measurement }> {
  const load = loadOptions(opts);
  if (!(load.durationSeconds > 0) || !(load.connections > 0) || !(load.warmupSeconds >= 0)) throw new Error('--duration, --connections and --warmup must be positive numbers');
  const before = loadBefore();
  const results: { kind: Kind; baseline: Measurement; mw: MailwrightRun }[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    console.log(`${KIND_LABEL[kind]}: baseline...`);
    const baseline = await measureBaseline(kind, load);
    console.log(`  ${baseline.reqPerSec.toFixed(0)} req/s; Mailwright (API + worker in one process, as \`npm start\`)...`);
    const mw = await measureMailwright(kind, [], TRACK, 'publicKey', load);
    console.log(`  ${mw.m.reqPerSec.toFixed(0)} req/s, p99 ${mw.m.p99Ms} ms, peak RSS ${mib(mw.rssMiB)}`);
    results.push({ kind, baseline, mw });
  }

  const rows: SummaryRow[] = [];
  for (const { kind, baseline, mw } of results) {
    const ratio = baseline.reqPerSec > 0 ? mw.m.reqPerSec / baseline.reqPerSec : 0;
    const target = kind === 'postgres' ? TARGET_PG : TARGET_PGLITE;
    const p99ok = kind === 'pglite' || mw.m.p99Ms < P99_TARGET_MS;
    rows.push({
      what: `/v1/track, ${KIND_LABEL[kind]}`,
      mailwright: `${mw.m.reqPerSec.toFixed(0)} req/s, p99 ${mw.m.p99Ms} ms`,
      baseline: `${baseline.reqPerSec.toFixed(0)} req/s, p99 ${baseline.p99Ms} ms (bare Fastify + 1 INSERT)`,
      ratio: ratio.toFixed(2),
      target: kind === 'postgres' ? `≥ ${target} and p99 < ${P99_TARGET_MS} ms` : `≥ ${target} (embedded; see below)`,
      verdict: !valid(baseline, mw.m) ? 'INVALID' : ratio >= target && p99ok ? 'PASS' : 'FAIL',
    });
  }
  const pg = results.find((r) => r.kind === 'postgres')!;
  rows.push({ what: 'API RSS under /v1/track load, PostgreSQL', mailwright: `peak ${mib(pg.mw.rssMiB)}`, baseline: '—', ratio: '', target: RSS_TARGET, verdict: rssVerdict(pg.mw.rssMiB) });

  const detail = [
    loadLine(load),
    '- Baseline: bare Fastify (same version), JSON schema validation, one `INSERT ... RETURNING` into an events-like table per request, no auth, pool of 10 (Mailwright\'s default DATABASE_POOL_SIZE)',
    `- Mailwright: \`node ${[...startNodeFlags(), 'server/dist/main.js'].join(' ')}\` (\`npm start\`: API and worker in one process), public key, limits raised above the load; each 200 means the contact upsert, the event (with its workflow/webhook outbox flag) and the activity rows are committed`,
    '',
    ...measurementTable(
      results.flatMap(({ kind, baseline, mw }) => [
        { db: KIND_LABEL[kind], server: 'bare Fastify + 1 INSERT', m: baseline },
        { db: KIND_LABEL[kind], server: 'Mailwright', m: mw.m, ratio: baseline.reqPerSec ? mw.m.reqPerSec / baseline.reqPerSec : 0, rss: mw.rssMiB },
      ]),
    ),
    '',
    `ratio = Mailwright req/s ÷ baseline req/s on the same database kind. Peak RSS = highest VmRSS of the Mailwright process sampled every 100 ms during the measured load (PGlite's includes the embedded database).`,
    `The ${TARGET_PGLITE} bar for PGlite: the database runs inside the server process one query at a time, so the endpoint's extra writes (contact upsert, outbox trigger, activity rows) cost CPU on the same thread as HTTP, and batching saves no network round trips; embedded mode is for development and small installs.`,
  ];
  return { report: { name: 'track', title: 'POST /v1/track', date: new Date().toISOString(), loadBefore: before.text, rows, detail }, pgBaseline: pg.baseline };
}
