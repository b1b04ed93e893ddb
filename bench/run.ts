import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ROOT,
  ensurePostgres,
  freePort,
  redact,
  releaseEverythingOnSignal,
  runCommand,
  scoped,
  startChild,
  throwawayDatabase,
  tmpDir,
  waitHealthy,
} from './lib.js';
import { loadTrack, probeTrack, type LoadOptions, type Measurement } from './load.js';

// `npm run bench [-- --check] [--duration 10] [--connections 50] [--build]`
//
// Measures POST /v1/track on Mailwright against a bare Fastify + one-INSERT baseline on the same
// database kind (PGlite, then PostgreSQL). The ratio says how much of the raw database+HTTP
// throughput the real endpoint (auth, contact upsert, event, audit rows, one transaction) keeps.

const TARGET_RATIO = 0.5;
const DIST = path.join(ROOT, 'server/dist');
const MAIN_JS = path.join(DIST, 'main.js');
const CLI_JS = path.join(DIST, 'cli.js');
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

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const load: LoadOptions = {
  durationSeconds: Number(args.duration),
  connections: Number(args.connections),
  distinctEmails: 3000,
};

function ensureBuilt() {
  if (args.build || !existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
    console.log('Building the server (npm run build -w server)...');
    const r = spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build -w server failed');
    return;
  }
  // We benchmark what is in dist; say so when the sources moved on since the last build.
  const built = statSync(MAIN_JS).mtimeMs;
  const src = path.join(ROOT, 'server/src');
  const newer = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && statSync(path.join(src, f)).mtimeMs > built,
  );
  if (newer.length) console.log(`note: ${newer.length} file(s) in server/src are newer than server/dist; pass --build to rebuild.`);
}

async function measureBaseline(kind: Kind): Promise<Measurement> {
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

async function measureMailwright(kind: Kind): Promise<Measurement> {
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
    const child = startChild(scope, `mailwright (${kind})`, [MAIN_JS], env);
    await waitHealthy(url, child);
    const publicKey = await createProjectKey(env);
    await probeTrack(url, publicKey);
    return loadTrack(url, publicKey, load);
  });
}

/** The CLI's JSON holds both keys: parse it here and never let it reach the terminal. */
async function createProjectKey(env: Record<string, string>): Promise<string> {
  const out = await runCommand([CLI_JS, 'project', 'create', '--name', 'bench', '--json'], env);
  let publicKey: unknown;
  try {
    publicKey = (JSON.parse(out) as { publicKey?: unknown }).publicKey;
  } catch {
    throw new Error(`CLI printed something other than JSON:\n${redact(out).slice(0, 500)}`);
  }
  if (typeof publicKey !== 'string' || !publicKey.startsWith('pk_')) throw new Error('CLI JSON has no publicKey (pk_...)');
  return publicKey;
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

function machine() {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} CPUs (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${cpu}`;
}

// Servers, load generator and PostgreSQL share the CPUs: other work on the box skews every figure.
// Sampled before we start, since during the run our own servers are the load.
const startLoad = os.loadavg();
const loadAverage = startLoad.map((l) => l.toFixed(2)).join(' / ');
const busyMachine = startLoad[0] > os.availableParallelism() * 0.5;

function writeResults(rows: Row[], pgVersion: string) {
  const md = [
    '# /v1/track benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}; load average (1/5/15 min) before the run: ${loadAverage}${busyMachine ? ' (busy: figures are noisy)' : ''}`,
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
    'Regenerate with `npm run bench` (`-- --check` fails the run below target).',
    '',
  ].join('\n');
  writeFileSync(RESULTS_MD, md);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!(load.durationSeconds > 0) || !(load.connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  releaseEverythingOnSignal();
  ensureBuilt();
  const pgVersion = await ensurePostgres();
  console.log(`Machine: ${machine()}; load average ${loadAverage}`);
  if (busyMachine) console.log('warning: the machine is already busy; expect noisy, pessimistic numbers.');
  console.log(`Load: ${load.connections} connections × ${load.durationSeconds} s per run, ${load.distinctEmails} distinct contacts\n`);

  const rows: Row[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    console.log(`${KIND_LABEL[kind]}: baseline...`);
    const baseline = await measureBaseline(kind);
    console.log(`${KIND_LABEL[kind]}: Mailwright...`);
    const mailwright = await measureMailwright(kind);
    rows.push(judge(kind, baseline, mailwright));
  }

  printTable(rows);
  writeResults(rows, pgVersion);
  console.log(`\nWrote ${path.relative(process.cwd(), RESULTS_MD)}`);

  const failing = rows.filter((r) => r.verdict !== 'PASS');
  for (const r of failing) {
    console.log(
      r.verdict === 'INVALID'
        ? `${KIND_LABEL[r.kind]}: INVALID run (non-2xx responses or connection errors); numbers are not comparable.`
        : `${KIND_LABEL[r.kind]}: ratio ${r.ratio.toFixed(2)} is below the ${TARGET_RATIO} target.`,
    );
  }
  return args.check && failing.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // scoped() has already released whatever the failing phase held by the time we get here.
    console.error(`\nbench failed: ${redact(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
