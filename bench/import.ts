import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ensurePostgres, freePort, redact, releaseEverythingOnSignal, runCommand, scoped, startChild, throwawayDatabase, tmpDir, waitHealthy } from './lib.js';

// `npm run bench:import [-- --rows 100000] [--no-build]`
//
// Imports a generated CSV through the real server (node server/dist/main.js, API + worker in one
// process) on a throwaway PostgreSQL database: POST /contacts/import as text/csv, then polls
// GET /contacts/import/:jobId until it completes. Prints elapsed time, rows/s and the progress seen.

const MAIN_JS = path.join(ROOT, 'server/dist/main.js');
const CLI_JS = path.join(ROOT, 'server/dist/cli.js');
const MAX_BYTES = 5 * 1024 * 1024;

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, 'no-build': { type: 'boolean', default: false } } });
const ROWS = Number(args.rows);

function generateCsv(rows: number): string {
  const lines = ['email,name,plan,score'];
  for (let i = 0; i < rows; i++) lines.push(`u${i}@b.example,N${i},${i % 3 ? 'free' : '"pro, yearly"'},${i % 1000}`);
  return lines.join('\n') + '\n';
}

async function secretKeyFor(env: Record<string, string>): Promise<string> {
  const out = await runCommand([CLI_JS, 'project', 'create', '--name', 'bench-import', '--json'], env);
  const key = (JSON.parse(out) as { secretKey?: unknown }).secretKey;
  if (typeof key !== 'string' || !key.startsWith('sk_')) throw new Error('CLI JSON has no secretKey (sk_...)');
  return key;
}

async function main() {
  if (!(ROWS > 0)) throw new Error('--rows must be a positive number');
  releaseEverythingOnSignal();
  if (!args['no-build']) {
    console.log('Building the server (npm run build -w server)...');
    const r = spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build -w server failed');
  }
  const pgVersion = await ensurePostgres();
  const csv = generateCsv(ROWS);
  const bytes = Buffer.byteLength(csv);
  if (bytes > MAX_BYTES) throw new Error(`generated CSV is ${bytes} bytes, over the 5 MB import limit; use fewer --rows`);
  console.log(`PostgreSQL ${pgVersion}; CSV: ${ROWS} rows, ${(bytes / 2 ** 20).toFixed(2)} MiB`);

  await scoped(async (scope) => {
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      DATA_DIR: tmpDir(scope, 'import'),
      LOG_LEVEL: 'warn',
      DATABASE_URL: await throwawayDatabase(scope, 'import'),
      MASTER_KEY: randomBytes(32).toString('hex'),
    };
    const url = `http://127.0.0.1:${port}`;
    const child = startChild(scope, 'mailwright', [MAIN_JS], env);
    await waitHealthy(url, child);
    const auth = { authorization: `Bearer ${await secretKeyFor(env)}` };

    const t0 = performance.now();
    const res = await fetch(`${url}/contacts/import`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv });
    const queued = (await res.json()) as { jobId?: string };
    const acceptedMs = performance.now() - t0;
    if (res.status !== 202 || !queued.jobId) throw new Error(`import was not accepted: ${res.status} ${redact(JSON.stringify(queued))}`);
    console.log(`202 after ${acceptedMs.toFixed(0)} ms (upload + count + job row); polling progress...`);

    const samples: string[] = [];
    let last = -1;
    for (;;) {
      const s = (await (await fetch(`${url}/contacts/import/${queued.jobId}`, { headers: auth })).json()) as {
        state: string;
        progress: { processed: number; total: number; percent: number };
        result: Record<string, unknown> | null;
        failedReason: string | null;
      };
      const elapsed = (performance.now() - t0) / 1000;
      if (s.progress.processed !== last) {
        last = s.progress.processed;
        samples.push(`  ${elapsed.toFixed(2).padStart(7)} s  ${s.state.padEnd(9)} ${String(s.progress.processed).padStart(7)}/${s.progress.total} (${s.progress.percent}%)`);
        console.log(samples[samples.length - 1]);
      }
      if (s.state === 'failed') throw new Error(`import failed: ${s.failedReason}`);
      if (s.state === 'completed') {
        const { errors: _e, ...counts } = s.result ?? {};
        console.log(`\nImported ${ROWS} rows in ${elapsed.toFixed(2)} s → ${(ROWS / elapsed).toFixed(0)} rows/s (PostgreSQL, one process: API + worker)`);
        console.log(`Result: ${JSON.stringify(counts)}; progress updates observed: ${samples.length}`);
        return;
      }
      if (elapsed > 900) throw new Error('import did not finish within 15 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(redact(err instanceof Error ? err.message : String(err)));
    process.exit(1);
  },
);
