import { parseArgs } from 'node:util';
import { runCampaignBench } from './campaign.js';
import { ensureBuilt, ensurePostgres, loadBefore, machine, redact, releaseEverythingOnSignal } from './lib.js';
import { runSegmentBench } from './segment-count.js';
import { runTrackBench } from './track.js';

// `npm run bench [-- --only track|campaign|segments] [--check] [--build]`
//   track:    POST /v1/track vs a bare Fastify + 1 INSERT baseline (PGlite and PostgreSQL) → RESULTS.md
//             [--duration 10] [--connections 50]
//   campaign: campaign fan-out vs a raw nodemailer SMTP pool, DKIM-signed, PostgreSQL → RESULTS-campaign.md
//             [--recipients 100000] [--workers 1]
//   segments: dynamic segment count over 1M contacts, PostgreSQL → RESULTS-segments.md
//             [--contacts 1000000] [--events 2000000] [--runs 7]
// All three run by default, one after the other; `--only` takes one name or a comma-separated list.
// `--check` exits 1 when a benchmark misses its target.

const BENCHES = ['track', 'campaign', 'segments'] as const;
type Bench = (typeof BENCHES)[number];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    check: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    recipients: { type: 'string', default: '100000' },
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

async function main(): Promise<number> {
  const benches = selected();
  releaseEverythingOnSignal();
  ensureBuilt(args.build);
  const pgVersion = await ensurePostgres();
  const before = loadBefore();
  console.log(`Machine: ${machine()}; load average ${before.text}`);
  if (before.busy) console.log('warning: the machine is already busy; expect noisy, pessimistic numbers.');

  const missed: Bench[] = [];
  for (const bench of benches) {
    console.log(`\n=== ${bench} ===`);
    let passed: boolean;
    if (bench === 'track') {
      passed = await runTrackBench({ durationSeconds: Number(args.duration), connections: Number(args.connections), pgVersion });
    } else if (bench === 'campaign') {
      passed = await runCampaignBench({ recipients: Number(args.recipients), workers: Number(args.workers), pgVersion });
    } else {
      const contacts = Number(args.contacts);
      passed = await runSegmentBench({ contacts, events: args.events ? Number(args.events) : contacts * 2, runs: Number(args.runs), pgVersion });
    }
    if (!passed) missed.push(bench);
  }
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
