// `npm run test:faults [-- --only kill,pg-restart,smtp,sigterm] [-- --build]`: fault tests against the
// compiled server (server/dist) on throwaway PostgreSQL clusters this script creates and removes
// (never the machine's shared one). Three lanes run side by side, each on its own cluster, because
// scenarios 1 and 2 spend most of their time waiting for emails a dead worker (or a lost database)
// left SENDING to come back after their lease:
//   lane a: 1. kill -9 of the worker mid-campaign and mid-workflow
//   lane b: 2. PostgreSQL restart (it stops and starts lane b's cluster)
//   lane c: 3. SMTP faults, then 4. SIGTERM drain
// Each scenario prints sent, lost and duplicated; the run fails unless every one passes.
import { parseArgs } from 'node:util';
import { ensureBuilt, releaseEverythingOnSignal, scoped } from '../../../bench/lib.js';
import { startCluster } from './cluster.js';
import type { Verdict } from './harness.js';
import { killWorkerScenario } from './kill-worker.js';
import { pgRestartScenario } from './pg-restart.js';
import { sigtermScenario } from './sigterm.js';
import { smtpFaultsScenario } from './smtp-faults.js';

const { values: args } = parseArgs({ options: { only: { type: 'string' }, build: { type: 'boolean', default: false } } });
const only = new Set((args.only ?? 'kill,smtp,sigterm,pg-restart').split(','));

releaseEverythingOnSignal();
ensureBuilt(args.build!);
const started = performance.now();
const results: { name: string; verdict: Verdict; seconds: number }[] = [];

async function runScenario(name: string, fn: () => Promise<Verdict>) {
  const t0 = performance.now();
  console.log(`▶ ${name}`);
  let verdict: Verdict;
  try {
    verdict = await fn();
  } catch (err) {
    verdict = { ok: false, summary: `${name}: FAIL\n    error: ${err instanceof Error ? err.message : String(err)}` };
  }
  const seconds = (performance.now() - t0) / 1000;
  results.push({ name, verdict, seconds });
  console.log(`${verdict.summary}\n    (${seconds.toFixed(0)} s)`);
}

async function lane(label: string, scenarios: [string, (c: Awaited<ReturnType<typeof startCluster>>) => Promise<Verdict>][]) {
  const wanted = scenarios.filter(([name]) => only.has(name));
  if (!wanted.length) return;
  await scoped(async (scope) => {
    const cluster = await startCluster(scope, label);
    console.log(`lane ${label}: throwaway PostgreSQL cluster on 127.0.0.1:${cluster.port}`);
    for (const [name, fn] of wanted) await runScenario(name, () => fn(cluster));
  });
}

await Promise.all([
  lane('a', [['kill', killWorkerScenario]]),
  lane('b', [['pg-restart', pgRestartScenario]]),
  lane('c', [
    ['smtp', smtpFaultsScenario],
    ['sigterm', sigtermScenario],
  ]),
]);

const failed = results.filter((r) => !r.verdict.ok);
console.log(`\nFault tests: ${results.length - failed.length}/${results.length} passed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
for (const r of results) console.log(`  ${r.verdict.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.seconds.toFixed(0)} s)`);
process.exit(failed.length || !results.length ? 1 : 0);
