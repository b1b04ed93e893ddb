// `npm run test:campaign-kill -- --runs 5 --recipients 10000` (not part of CI; needs the machine's PostgreSQL).
//
// Per run: a throwaway database; an in-process SMTP sink; a worker as a separate process
// (`server/src/worker.ts` under tsx, MAIL_TRANSPORT=smtp into the sink); N eligible contacts plus some
// unsubscribed and suppressed ones; a MARKETING campaign to everyone, started through the service layer.
// While it sends, the worker is killed with SIGKILL 3–5 times at random moments and restarted, until the
// campaign is SENT. Then: lost recipients must be 0; every recipient must have one distinct Message-ID;
// duplicate messages must not exceed the emails that were SENDING at the kills. Exit 1 otherwise.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { closeContainer, createContainer, type AppDeps } from '../src/container.js';
import { campaigns, contacts, emails } from '../src/db/schema/index.js';
import { requestCampaignSend } from '../src/features/campaigns/campaign-actions.service.js';
import { createCampaign } from '../src/features/campaigns/campaigns.service.js';
import { createProject, findProject } from '../src/features/projects/projects.service.js';
import { suppressAddress } from '../src/features/suppressions/suppressions.service.js';
import { createLogger } from '../src/http/logger.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    recipients: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '0' },
    'admin-url': { type: 'string', default: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'timeout-minutes': { type: 'string', default: '20' },
  },
});
const RUNS = Number(args.runs);
const RECIPIENTS = Number(args.recipients);
const ADMIN_URL = args['admin-url']!;
const INELIGIBLE = Math.max(1, Math.floor(RECIPIENTS / 100));

const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Keeps, per recipient, every Message-ID received. */
async function startSink() {
  const byRecipient = new Map<string, string[]>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? 'none';
        for (const r of session.envelope.rcptTo) {
          const list = byRecipient.get(r.address.toLowerCase()) ?? [];
          list.push(messageId);
          byRecipient.set(r.address.toLowerCase(), list);
        }
        total += 1;
        callback();
      });
    },
  });
  // A killed worker drops its connections mid-message: expected here, not a reason to stop.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { byRecipient, total: () => total, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

interface Worker {
  proc: ChildProcess;
  ready: Promise<void>;
}

function startWorker(env: Record<string, string>, logFile: string): Worker {
  const out = createWriteStream(logFile, { flags: 'a' });
  // Its own process group, so SIGKILL reaches tsx and the node process it runs.
  const proc = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/src/worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  proc.stderr!.pipe(out);
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (chunk.toString().includes('Mailwright started')) resolve();
    });
    proc.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) before it was ready`)));
  });
  ready.catch(() => {});
  return { proc, ready };
}

function kill9(w: Worker) {
  try {
    process.kill(-w.proc.pid!, 'SIGKILL');
  } catch {}
}

async function statusCounts(deps: AppDeps, campaignId: string): Promise<Record<string, number>> {
  const rows = await deps.db.select({ status: emails.status, n: sql<number>`count(*)::int` }).from(emails).where(eq(emails.campaignId, campaignId)).groupBy(emails.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function seed(deps: AppDeps, projectId: string) {
  const rows = [
    ...Array.from({ length: RECIPIENTS }, (_, i) => ({ projectId, email: `r${i}@kill.test`, data: { n: i } })),
    ...Array.from({ length: INELIGIBLE }, (_, i) => ({ projectId, email: `unsub${i}@kill.test`, subscribed: false })),
    ...Array.from({ length: INELIGIBLE }, (_, i) => ({ projectId, email: `supp${i}@kill.test` })),
  ];
  for (let i = 0; i < rows.length; i += 1000) await deps.db.insert(contacts).values(rows.slice(i, i + 1000));
  for (let i = 0; i < INELIGIBLE; i++) await suppressAddress(deps.db, { projectId, email: `supp${i}@kill.test`, reason: 'MANUAL', source: 'api' });
}

let currentDb: string | null = null;
process.on('SIGINT', () => {
  // Interrupted by hand: still drop the throwaway database.
  const name = currentDb;
  void (name ? admin((c) => c.query(`drop database if exists ${name} with (force)`)) : Promise.resolve()).finally(() => process.exit(130));
});

async function run(n: number): Promise<boolean> {
  const dbName = `mw_killtest_${randomBytes(4).toString('hex')}`;
  currentDb = dbName;
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mw-kill-'));
  await admin((c) => c.query(`create database ${dbName}`));
  const sink = await startSink();
  const env: Record<string, string> = {
    DATABASE_URL: url,
    MASTER_KEY: randomBytes(32).toString('hex'),
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    REQUIRE_VERIFIED_DOMAINS: 'false',
    SEND_RATE_PER_SECOND: args.rate!,
  };
  const deps = await createContainer(loadConfig(env), createLogger('warn'));
  let worker: Worker | null = null;
  try {
    const { id: projectId } = await createProject(deps, { actor: { type: 'system' } }, { name: `Kill test ${n}`, defaultFrom: 'news@kill.test' });
    await seed(deps, projectId);
    const project = (await findProject(deps.db, projectId))!;
    const ctx = { projectId, actor: { type: 'system' as const }, project };
    const campaign = await createCampaign(deps, ctx, { name: 'Kill test', subject: 'Hello {{ n }}', body: '<p>Message {{ n }}</p>', type: 'MARKETING', audienceType: 'ALL' });
    log(`run ${n}: database ${dbName}, ${RECIPIENTS} eligible + ${2 * INELIGIBLE} ineligible contacts; campaign shows ${campaign.totalRecipients} recipients`);

    worker = startWorker(env, path.join(dataDir, 'worker.log'));
    await worker.ready;
    await requestCampaignSend(deps, ctx, campaign.id, null);
    const plannedKills = randomInt(3, 6);
    const sendingAtKills = new Set<string>();
    const kills: string[] = [];
    const isSent = async () => (await deps.db.select({ s: campaigns.status }).from(campaigns).where(eq(campaigns.id, campaign.id)))[0].s === 'SENT';

    // Kill points spread over the whole campaign: at random shares of the messages received (the first may
    // land during the fan-out), each after a random extra delay.
    const killAt = Array.from({ length: plannedKills }, () => Math.floor(Math.random() * 0.9 * RECIPIENTS)).sort((a, b) => a - b);
    const deadline = Date.now() + Number(args['timeout-minutes']) * 60_000;
    log(`run ${n}: kill points at ${killAt.join(', ')} messages received`);
    for (const threshold of killAt) {
      while (sink.total() < threshold && !(await isSent()) && Date.now() < deadline) await sleep(50);
      await sleep(randomInt(0, 700));
      if (await isSent()) break;
      kill9(worker);
      await new Promise((r) => (worker!.proc.exitCode !== null || worker!.proc.signalCode ? r(null) : worker!.proc.once('exit', r)));
      const sending = await deps.db.select({ id: emails.id }).from(emails).where(and(eq(emails.campaignId, campaign.id), eq(emails.status, 'SENDING')));
      sending.forEach((r) => sendingAtKills.add(r.id));
      const counts = await statusCounts(deps, campaign.id);
      kills.push(`kill ${kills.length + 1}: ${sending.length} in SENDING; rows ${JSON.stringify(counts)}; messages received ${sink.total()}`);
      log(`run ${n}: ${kills.at(-1)}`);
      await sleep(randomInt(100, 1000));
      worker = startWorker(env, path.join(dataDir, 'worker.log'));
      await worker.ready;
    }

    let lastReport = 0;
    while (!(await isSent())) {
      if (Date.now() > deadline) throw new Error('campaign did not reach SENT before the timeout');
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        log(`run ${n}: waiting for SENT (stuck SENDING rows are re-sent after their 150 s lease); rows ${JSON.stringify(await statusCounts(deps, campaign.id))}`);
      }
      await sleep(500);
    }
    await sleep(1000);
    return report(n, deps, campaign.id, sink, kills.length, sendingAtKills);
  } finally {
    if (worker) {
      worker.proc.kill('SIGTERM');
      await Promise.race([new Promise((r) => worker!.proc.once('exit', r)), sleep(10_000)]);
      kill9(worker);
    }
    await closeContainer(deps, { graceful: false });
    await sink.close();
    await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
    currentDb = null;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function report(n: number, deps: AppDeps, campaignId: string, sink: Awaited<ReturnType<typeof startSink>>, kills: number, sendingAtKills: Set<string>): Promise<boolean> {
  const rows = await deps.db.select({ id: emails.id, to: emails.toEmail, status: emails.status }).from(emails).where(eq(emails.campaignId, campaignId));
  const eligible = Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@kill.test`);
  const lost = eligible.filter((e) => !sink.byRecipient.has(e));
  const unexpected = [...sink.byRecipient.keys()].filter((e) => !e.startsWith('r'));
  let duplicates = 0;
  let multipleIds = 0;
  const duplicated: string[] = [];
  for (const [to, ids] of sink.byRecipient) {
    duplicates += ids.length - 1;
    if (ids.length > 1) duplicated.push(to);
    if (new Set(ids).size > 1) multipleIds += 1;
  }
  const sendingRecipients = new Set(rows.filter((r) => sendingAtKills.has(r.id)).map((r) => r.to));
  const dupOutsideSending = duplicated.filter((to) => !sendingRecipients.has(to)).length;
  const statuses = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  const ok = lost.length === 0 && unexpected.length === 0 && multipleIds === 0 && duplicates <= sendingAtKills.size && dupOutsideSending === 0;
  console.log(
    [
      `run ${n} result: ${ok ? 'PASS' : 'FAIL'}`,
      `  eligible recipients           ${eligible.length}`,
      `  email rows                    ${rows.length} ${JSON.stringify(statuses)}`,
      `  messages received             ${sink.total()}`,
      `  distinct recipients reached   ${sink.byRecipient.size}`,
      `  recipients with >1 Message-ID ${multipleIds}`,
      `  lost (must be 0)              ${lost.length}${lost.length ? ' e.g. ' + lost.slice(0, 5).join(', ') : ''}`,
      `  ineligible reached (must be 0) ${unexpected.length}`,
      `  kills                         ${kills}`,
      `  emails SENDING at the kills   ${sendingAtKills.size}`,
      `  duplicates (≤ SENDING at kills) ${duplicates}${dupOutsideSending ? ` (${dupOutsideSending} not SENDING at a kill!)` : ''}`,
    ].join('\n'),
  );
  return ok;
}

let failures = 0;
for (let i = 1; i <= RUNS; i++) {
  try {
    if (!(await run(i))) failures += 1;
  } catch (err) {
    failures += 1;
    console.error(`run ${i} failed:`, err instanceof Error ? err.message : err);
  }
}
console.log(`${RUNS - failures}/${RUNS} runs passed`);
process.exit(failures ? 1 : 0);
