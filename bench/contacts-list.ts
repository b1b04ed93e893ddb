import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ROOT, ensurePostgres, freePort, redact, releaseEverythingOnSignal, runCommand, scoped, startChild, throwawayDatabase, tmpDir, waitHealthy } from './lib.js';

// `npm run bench:contacts`: GET /contacts latency with 1,000,000 contacts in one project on PostgreSQL.
// Target: p95 < 50 ms for listing pages. Requests are sequential: this measures latency, not throughput.

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const SAMPLES = 100;
const TARGET_P95_MS = 50;
const RESULTS_MD = path.join(ROOT, 'bench/RESULTS-contacts.md');

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function seed(url: string, projectId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    // Generated in SQL: the point is the listing, not how fast we can insert.
    await client.query(
      `insert into contacts (project_id, email, data, subscribed, created_at)
       select $1, 'user' || g || '@example.com', jsonb_build_object('plan', case when g % 3 = 0 then 'pro' else 'free' end),
              g % 10 <> 0, now() - g * interval '1 second'
       from generate_series(1, $2::int) g`,
      [projectId, CONTACTS],
    );
    await client.query('analyze contacts');
    return Date.now() - started;
  } finally {
    await client.end();
  }
}

async function timed(url: string, key: string): Promise<{ ms: number; body: { cursor?: string | null; hasMore?: boolean } }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { cursor?: string | null; hasMore?: boolean };
  if (res.status !== 200) throw new Error(`GET ${url.split('?')[0]} answered ${res.status}`);
  return { ms: performance.now() - started, body };
}

async function main() {
  releaseEverythingOnSignal();
  await ensurePostgres();
  return scoped(async (scope) => {
    const port = await freePort();
    const databaseUrl = await throwawayDatabase(scope, 'contacts');
    const env = { PORT: String(port), DATA_DIR: tmpDir(scope, 'contacts'), LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, MASTER_KEY: randomBytes(32).toString('hex') };
    const base = `http://127.0.0.1:${port}`;
    const child = startChild(scope, 'mailwright', [path.join(ROOT, 'server/dist/main.js')], env);
    await waitHealthy(base, child);
    const project = JSON.parse(await runCommand([path.join(ROOT, 'server/dist/cli.js'), 'project', 'create', '--name', 'bench', '--json'], env)) as {
      id: string;
      secretKey: string;
    };
    console.log(`Seeding ${CONTACTS.toLocaleString()} contacts...`);
    const seedMs = await seed(databaseUrl, project.id);

    const cases: Record<string, number[]> = { 'first page (with total)': [], 'next pages (cursor)': [], 'search "user12"': [], 'subscribed=false': [] };
    let cursor: string | null | undefined = null;
    for (let i = 0; i < SAMPLES; i++) {
      cases['first page (with total)'].push((await timed(`${base}/contacts?limit=100`, project.secretKey)).ms);
      const next: { ms: number; body: { cursor?: string | null } } = await timed(`${base}/contacts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, project.secretKey);
      if (cursor) cases['next pages (cursor)'].push(next.ms);
      cursor = next.body.cursor ?? null;
      cases['search "user12"'].push((await timed(`${base}/contacts?limit=20&search=user12`, project.secretKey)).ms);
      cases['subscribed=false'].push((await timed(`${base}/contacts?limit=20&subscribed=false`, project.secretKey)).ms);
    }

    const rows = Object.entries(cases).map(([name, ms]) => ({ name, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms), n: ms.length }));
    const lines = [
      `# GET /contacts with ${CONTACTS.toLocaleString()} contacts (PostgreSQL)`,
      '',
      `- Date: ${new Date().toISOString()}; ${os.availableParallelism()} CPUs; seeding took ${(seedMs / 1000).toFixed(1)} s`,
      `- ${SAMPLES} sequential requests per case; target p95 < ${TARGET_P95_MS} ms`,
      '',
      '| Case | p50 ms | p95 ms | max ms | requests | verdict |',
      '|---|---:|---:|---:|---:|---|',
      ...rows.map((r) => `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${r.n} | ${r.p95 < TARGET_P95_MS ? 'PASS' : 'WARN'} |`),
      '',
    ];
    writeFileSync(RESULTS_MD, lines.join('\n'));
    console.log(lines.join('\n'));
    return 0;
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench failed: ${redact(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
