import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DIST_MAIN_JS,
  ROOT,
  createProjectViaCli,
  freePort,
  loadBefore,
  machine,
  scoped,
  startChild,
  throwawayDatabase,
  tmpDir,
  waitHealthy,
} from './lib.js';
import { loadTrack, probeTrack, type LoadOptions, type Measurement } from './load.js';

// POST /v1/track on Mailwright against a bare Fastify + one-INSERT baseline on the same database kind
// (PGlite, then PostgreSQL). The ratio says how much of the raw database+HTTP throughput the real
// endpoint (auth, contact upsert, event, audit rows, one transaction) keeps. Run by run.ts.

const TARGET_RATIO = 0.5;
const BASELINE_TS = path.join(ROOT, 'bench/baseline-server.ts');
const RESULTS_MD = path.join(ROOT, 'bench/RESULTS.md');

type Kind = 'pglite' | 'postgres';
const KIND_LABEL: Record<Kind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' };

interface Row {
  kind: Kind;
  baseline: Measurement;
  mailwright: Measurement;
  ratio: number;
  verdict: 'PASS' | 'WARN' | 'INVALID';
}

export interface TrackOptions {
  durationSeconds: number;
  connections: number;
  pgVersion: string;
}

async function measureBaseline(kind: Kind, load: LoadOptions): Promise<Measurement> {
  return scoped(async (scope) => {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port) };
    if (kind === 'postgres') env.DATABASE_URL = await throwawayDatabase(scope, 'baseline');
    else env.DATA_DIR = tmpDir(scope, 'baseline');
    const url = `http://127.0.0.1:${port}`;
    const child = startChild(scope, `baseline (${kind})`, ['--import', 'tsx', BASELINE_TS], env);
    await waitHealthy(url, child);
    await probeTrack(url, null);
    return loadTrack(url, null, load);
  });
}

async function measureMailwright(kind: Kind, load: LoadOptions): Promise<Measurement> {
  return scoped(async (scope) => {
    const port = await freePort();
    // Limits far above the load, so the limiter's cost is measured but nothing is refused.
    const env: Record<string, string> = {
      PORT: String(port),
      DATA_DIR: tmpDir(scope, 'mailwright'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_TRACK_PER_SECOND: '1000000',
      RATE_LIMIT_TRACK_BURST: '1000000',
    };
    if (kind === 'postgres') {
      env.DATABASE_URL = await throwawayDatabase(scope, 'mailwright');
      env.MASTER_KEY = randomBytes(32).toString('hex');
    }
    const url = `http://127.0.0.1:${port}`;
    const child = startChild(scope, `mailwright (${kind})`, [DIST_MAIN_JS], env);
    await waitHealthy(url, child);
    const { publicKey } = await createProjectViaCli(env);
    await probeTrack(url, publicKey);
    return loadTrack(url, publicKey, load);
  });
}

function judge(kind: Kind, baseline: Measurement, mailwright: Measurement): Row {
  const ratio = baseline.reqPerSec > 0 ? mailwright.reqPerSec / baseline.reqPerSec : 0;
  // A run with failed requests measures error handling, not tracking: its numbers mean nothing.
  const valid = [baseline, mailwright].every((m) => m.non2xx === 0 && m.errors === 0 && m.total > 0);
  return { kind, baseline, mailwright, ratio, verdict: !valid ? 'INVALID' : ratio >= TARGET_RATIO ? 'PASS' : 'WARN' };
}

// ---------------------------------------------------------------------------------------------
// Output

const HEADERS = ['Database', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors', 'ratio', 'verdict'];

function tableRows(rows: Row[]): string[][] {
  return rows.flatMap((r) =>
    (['baseline', 'mailwright'] as const).map((server) => {
      const m = r[server];
      const last = server === 'mailwright';
      return [
        KIND_LABEL[r.kind],
        server === 'baseline' ? 'bare Fastify + 1 INSERT' : 'Mailwright',
        m.reqPerSec.toFixed(0),
        String(m.p50Ms),
        String(m.p99Ms),
        String(m.maxMs),
        String(m.total),
        String(m.non2xx),
        m.timeouts ? `${m.errors} (${m.timeouts} timeouts)` : String(m.errors),
        last ? r.ratio.toFixed(2) : '',
        last ? r.verdict : '',
      ];
    }),
  );
}

function printTable(rows: Row[]) {
  const body = tableRows(rows);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log('\n' + line(HEADERS));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
  for (const r of rows) {
    const codes = [`baseline ${r.baseline.statusCodes}`, `mailwright ${r.mailwright.statusCodes}`].join(', ');
    console.log(`${KIND_LABEL[r.kind]} status codes: ${codes || 'none'}`);
  }
}

function writeResults(rows: Row[], load: LoadOptions, pgVersion: string, before: ReturnType<typeof loadBefore>) {
  const md = [
    '# /v1/track benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}; load average (1/5/15 min) before the run: ${before.text}${before.busy ? ' (busy: figures are noisy)' : ''}`,
    `- Node ${process.version}, PostgreSQL ${pgVersion}, load generator in-process (autocannon), servers as child processes`,
    `- Load: ${load.connections} connections × ${load.durationSeconds} s per run, no warm-up, ${load.distinctEmails} distinct contacts`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...tableRows(rows).map((r) => `| ${r.join(' | ')} |`),
    '',
    `ratio = Mailwright req/s ÷ baseline req/s on the same database kind; target ≥ ${TARGET_RATIO}.`,
    'Baseline: bare Fastify (same version), JSON body, one `INSERT ... RETURNING` into an events-like table, no auth.',
    'All connections open at t=0 with no warm-up, so p99/max include the wait for a busy server to accept them.',
    'Regenerate with `npm run bench -- --only track` (`--check` fails the run below target).',
    '',
  ].join('\n');
  writeFileSync(RESULTS_MD, md);
}

/** Both database kinds; writes bench/RESULTS.md. True when every row passes. */
export async function runTrackBench(opts: TrackOptions): Promise<boolean> {
  const load: LoadOptions = { durationSeconds: opts.durationSeconds, connections: opts.connections, distinctEmails: 3000 };
  if (!(load.durationSeconds > 0) || !(load.connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  const before = loadBefore();
  console.log(`Load: ${load.connections} connections × ${load.durationSeconds} s per run, ${load.distinctEmails} distinct contacts\n`);

  const rows: Row[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    console.log(`${KIND_LABEL[kind]}: baseline...`);
    const baseline = await measureBaseline(kind, load);
    console.log(`${KIND_LABEL[kind]}: Mailwright...`);
    const mailwright = await measureMailwright(kind, load);
    rows.push(judge(kind, baseline, mailwright));
  }

  printTable(rows);
  writeResults(rows, load, opts.pgVersion, before);
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS_MD)}`);

  const failing = rows.filter((r) => r.verdict !== 'PASS');
  for (const r of failing) {
    console.log(
      r.verdict === 'INVALID'
        ? `${KIND_LABEL[r.kind]}: INVALID run (non-2xx responses or connection errors); numbers are not comparable.`
        : `${KIND_LABEL[r.kind]}: ratio ${r.ratio.toFixed(2)} is below the ${TARGET_RATIO} target.`,
    );
  }
  return failing.length === 0;
}
