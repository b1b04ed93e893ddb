import { parseArgs } from 'node:util';
import { runCampaignBench } from './campaign.js';
import { ensureBuilt, ensurePostgres, loadBefore, machine, redact, releaseEverythingOnSignal } from './lib.js';
import type { Measurement } from './load.js';
import { passed, writeResults, type BenchReport } from './results.js';
import { runSegmentBench } from './segment-count.js';
import { runSendBench } from './send.js';
import { runTrackBench } from './track.js';

// `npm run bench [-- --only track|send|campaign|segments] [--check] [--build]`
//   track:    POST /v1/track vs a bare Fastify + 1 INSERT baseline (PGlite and PostgreSQL), API RSS
//             [--duration 10] [--connections 50] [--warmup 2]
//   send:     POST /v1/send accept path (API with --api-only) vs the same PostgreSQL baseline, API RSS
//   campaign: campaign fan-out vs a raw nodemailer SMTP pool, DKIM-signed, PostgreSQL → RESULTS-campaign.md
//             [--recipients 100000, or 10000 with --check] [--workers 1]
//   segments: dynamic segment count over 1M contacts, PostgreSQL → RESULTS-segments.md
//             [--contacts 1000000] [--events 2000000] [--runs 7]
// All run by default, one after the other; `--only` takes one name or a comma-separated list.
// Every run rewrites bench/RESULTS.md (the targets table; sections of benchmarks not run are kept).
// `--check` exits 1 when a benchmark misses its target.

const BENCHES = ['track', 'send', 'campaign', 'segments'] as const;
type Bench = (typeof BENCHES)[number];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    check: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    // A full 100,000-recipient campaign takes many minutes on a small machine; --check uses 10,000.
    recipients: { type: 'string' },
    workers: { type: 'string', default: '1' },
    contacts: { type: 'string', default: '1000000' },
    events: { type: 'string' },
    runs: { type: 'string', default: '7' },
  },
});

function selected(): Bench[] {
  if (!args.only) return [...BENCHES];
  const names = args.only.split(/[,|]/).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(BENCHES as readonly string[]).includes(n));
  if (unknown.length || !names.length) throw new Error(`--only takes ${BENCHES.join(', ')} (got "${args.only}")`);
  return BENCHES.filter((b) => names.includes(b));
}

async function runOne(bench: Bench, pgVersion: string, shared: { pgBaseline?: Measurement }): Promise<BenchReport> {
  const http = { durationSeconds: Number(args.duration), connections: Number(args.connections), warmupSeconds: Number(args.warmup) };
  if (bench === 'track') {
    const { report, pgBaseline } = await runTrackBench(http);
    shared.pgBaseline = pgBaseline;
    return report;
  }
  if (bench === 'send') return runSendBench(http, shared.pgBaseline);
  const date = new Date().toISOString();
  const before = loadBefore().text;
  if (bench === 'campaign') {
    const recipients = Number(args.recipients ?? (args.check ? 10_000 : 100_000));
    const f = await runCampaignBench({ recipients, workers: Number(args.workers), pgVersion });
    return {
      name: 'campaign',
      title: 'Campaign fan-out',
      date,
      loadBefore: before,
      rows: [
        {
          what: `Campaign fan-out, ${f.recipients.toLocaleString('en-US')} recipients, PostgreSQL`,
          mailwright: `${f.mwRate.toFixed(0)} msgs/s`,
          baseline: `${f.rawRate.toFixed(0)} msgs/s (raw nodemailer pool, same DKIM-signed messages)`,
          ratio: f.ratio.toFixed(2),
          target: `≥ ${f.targetRatio}`,
          verdict: f.verdict === 'PASS' ? 'PASS' : f.verdict === 'INVALID' ? 'INVALID' : 'FAIL',
        },
      ],
      detail: [`- ${args.workers} worker process(es); details, timeline and CPU split in [RESULTS-campaign.md](RESULTS-campaign.md)`],
    };
  }
  const contacts = Number(args.contacts);
  const f = await runSegmentBench({ contacts, events: args.events ? Number(args.events) : contacts * 2, runs: Number(args.runs), pgVersion });
  return {
    name: 'segments',
    title: 'Dynamic segment count',
    date,
    loadBefore: before,
    rows: [
      {
        what: `Segment count, ${f.contacts.toLocaleString('en-US')} contacts, PostgreSQL`,
        mailwright: `slowest ${f.slowestMs.toFixed(0)} ms (target case: cold, warm, preview, create, refresh)`,
        baseline: '—',
        ratio: '',
        target: `< ${f.targetMs} ms`,
        verdict: f.passed ? 'PASS' : 'FAIL',
      },
    ],
    detail: ['- Details and query plans in [RESULTS-segments.md](RESULTS-segments.md)'],
  };
}

async function main(): Promise<number> {
  const benches = selected();
  releaseEverythingOnSignal();
  ensureBuilt(args.build);
  const pgVersion = await ensurePostgres();
  const before = loadBefore();
  console.log(`Machine: ${machine()}; load average ${before.text}`);
  if (before.busy) console.log('warning: the machine is already busy; expect noisy, pessimistic numbers.');

  const reports: BenchReport[] = [];
  const shared: { pgBaseline?: Measurement } = {};
  for (const bench of benches) {
    console.log(`\n=== ${bench} ===`);
    reports.push(await runOne(bench, pgVersion, shared));
    // Written after each benchmark, so a long run that fails later still leaves what it measured.
    writeResults(reports, { pgVersion, before, command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ') });
  }
  console.log('\nTargets (bench/RESULTS.md):');
  for (const row of reports.flatMap((r) => r.rows)) console.log(`  ${row.verdict.padEnd(7)} ${row.what}: ${row.mailwright} vs ${row.baseline}${row.ratio ? ` = ${row.ratio}` : ''} (target ${row.target})`);
  const missed = reports.filter((r) => !passed(r)).map((r) => r.name);
  if (missed.length) console.log(`\nBelow target (or invalid): ${missed.join(', ')}`);
  return args.check && missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // scoped() has already released whatever the failing phase held by the time we get here.
    console.error(`\nbench failed: ${redact(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
