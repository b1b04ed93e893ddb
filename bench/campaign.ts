import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { decrypt } from '../server/src/core/crypto.js';
import { startDnsServer } from '../server/test/dns-server.js';
import type { BaselineConfig } from './campaign-baseline.js';
import { dkimTags, startCountingSink, stripDkimHeader, verifyDkim, waitForMessages, type SinkPhase } from './campaign-sink.js';
import {
  DIST_MAIN_JS,
  DIST_WORKER_JS,
  ROOT,
  cpuSecondsOf,
  createProjectViaCli,
  ensureBuilt,
  ensurePostgres,
  freePort,
  loadBefore,
  machine,
  redact,
  releaseEverythingOnSignal,
  scoped,
  startChild,
  throwawayDatabase,
  tmpDir,
  waitForOutput,
  waitHealthy,
  type Scope,
} from './lib.js';

// `npm run bench:campaign [-- --recipients 100000] [--workers 1] [--build] [--check]`
//
// Campaign fan-out throughput on PostgreSQL: a MARKETING campaign to N contacts, sent by the production
// worker (`node server/dist/worker.js`, MAIL_TRANSPORT=smtp, SEND_RATE_PER_SECOND=0) into a local SMTP
// sink, from a sending domain verified through a local DNS server, so every message is DKIM-signed.
// Measured from POST /campaigns/:id/send to the last message arriving. Then the same number of pre-built
// messages through a bare nodemailer pool (same pool options, nodemailer's `dkim` option, same key) into
// the same sink. Target: Mailwright ≥ 0.70 × raw.

const TARGET_RATIO = 0.7;
const SMTP_POOL_SIZE = 5; // server/src/config.ts default (SMTP_POOL_SIZE), used by mail/smtp.ts as maxConnections
const WORKER_CONCURRENCY = 10; // config default; email.send jobs are fetched 20 at a time per loop
const DOMAIN = 'news.mailwright-bench.com';
const RECIPIENT_DOMAIN = 'recipients.mailwright-bench.com';
const RESULTS_MD = path.join(ROOT, 'bench/RESULTS-campaign.md');
const BASELINE_TS = path.join(ROOT, 'bench/campaign-baseline.ts');

export interface CampaignBenchOptions {
  recipients: number;
  workers: number;
  pgVersion: string;
}

interface MwResult {
  seconds: number;
  firstMessageSeconds: number;
  fanOutSeconds: number | null;
  sentSeconds: number | null;
  statuses: Record<string, number>;
  phase: SinkPhase;
  dkim: string;
  key: BaselineConfig['dkim'];
  /** CPU seconds spent during the send: worker process(es), PostgreSQL backends of the bench database, this process (sink). */
  cpu: { worker: number; postgres: number; sink: number };
}

interface RawResult {
  seconds: number;
  phase: SinkPhase;
  failed: number;
  firstError: string | null;
  dkim: string;
  cpu: { sender: number; sink: number };
}

// A typical newsletter: personalised subject and greeting, three links (rewritten for click tracking),
// an open pixel and the unsubscribe footer added by the pipeline.
const SUBJECT = 'November update for {{ firstName }}';
const BODY = `<html><body style="font-family:Arial,sans-serif;color:#222">
<h1>Hello {{ firstName }},</h1>
<p>Here is what changed this month. ${'We shipped faster imports, better segment previews and a new dashboard for campaign statistics. '.repeat(6)}</p>
<p><a href="https://mailwright-bench.com/changelog">Read the changelog</a> ·
<a href="https://mailwright-bench.com/docs/segments">Segments guide</a> ·
<a href="https://mailwright-bench.com/pricing?plan={{ plan }}">Your plan: {{ plan }}</a></p>
<p>${'Thanks for reading, and see you next month. '.repeat(4)}</p>
</body></html>`;

const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function api(base: string, key: string, method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${redact(text.slice(0, 500))}`);
  return JSON.parse(text);
}

async function seedContacts(url: string, projectId: string, n: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into contacts (project_id, email, data, created_at)
       select $1, 'r' || g || '@${RECIPIENT_DOMAIN}',
              jsonb_build_object('firstName', 'Reader ' || g, 'plan', (array['free','pro','team'])[1 + g % 3]),
              now() - interval '1 day' + g * interval '1 millisecond'
       from generate_series(1, $2::int) g`,
      [projectId, n],
    );
    await client.query('analyze contacts');
  } finally {
    await client.end();
  }
}

async function measureMailwright(scope: Scope, opts: CampaignBenchOptions, sink: Awaited<ReturnType<typeof startCountingSink>>, dnsAddress: string, publish: (r: any[]) => void): Promise<MwResult> {
  const n = opts.recipients;
  const databaseUrl = await throwawayDatabase(scope, 'campaign');
  const masterKey = randomBytes(32).toString('hex');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    MASTER_KEY: masterKey,
    PUBLIC_URL: base,
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    SMTP_POOL_SIZE: String(SMTP_POOL_SIZE),
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    SEND_RATE_PER_SECOND: '0',
    REQUIRE_VERIFIED_DOMAINS: 'true',
    DNS_SERVERS: dnsAddress,
    LOG_LEVEL: 'warn',
  };
  // The API (only for setup and the send request; idle while the workers send), then the workers.
  const apiProc = startChild(scope, 'mailwright api', [DIST_MAIN_JS, '--api-only'], { ...env, PORT: String(port), DATA_DIR: tmpDir(scope, 'campaign-api') });
  await waitHealthy(base, apiProc);
  const project = await createProjectViaCli(env, 'bench-campaign');
  const key = project.secretKey;

  const domain = await api(base, key, 'POST', '/domains', { domain: DOMAIN });
  publish(domain.records);
  const verified = await api(base, key, 'GET', `/domains/${domain.id}/verify`);
  if (verified.status !== 'VERIFIED') throw new Error(`sending domain did not verify: ${JSON.stringify(verified.records)}`);

  console.log(`  seeding ${n.toLocaleString()} contacts...`);
  await seedContacts(databaseUrl, project.id, n);
  const created = await api(base, key, 'POST', '/campaigns', {
    name: 'Benchmark newsletter',
    subject: SUBJECT,
    body: BODY,
    from: `hello@${DOMAIN}`,
    fromName: 'Mailwright Bench',
    type: 'MARKETING',
    audienceType: 'ALL',
  });
  const campaignId: string = created.data.id;
  if (created.data.totalRecipients !== n) throw new Error(`campaign counts ${created.data.totalRecipients} recipients, expected ${n}`);

  const workerPids: number[] = [];
  for (let i = 0; i < opts.workers; i++) {
    // BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": a V8 profile of each worker, written when it stops.
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const w = startChild(scope, `mailwright worker ${i + 1}`, [...nodeArgs, DIST_WORKER_JS], { ...env, LOG_LEVEL: 'info', DATA_DIR: tmpDir(scope, `campaign-worker${i}`) });
    await waitForOutput(w, 'Mailwright started');
    workerPids.push(w.proc.pid!);
  }

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  scope.defer('close pg client', () => db.end());
  // Approximate CPU accounting: backends that came and went during the send are missed, and so is
  // PostgreSQL's own background work (WAL writer, checkpointer, autovacuum).
  const backendCpu = async () => {
    const { rows } = await db.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
    return new Map(rows.map((r) => [r.pid, cpuSecondsOf(r.pid) ?? 0]));
  };
  const workerCpu = () => workerPids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0);
  const cpu0 = { worker: workerCpu(), postgres: await backendCpu(), sink: process.cpuUsage() };
  const phase = sink.reset('mailwright');
  const t0 = performance.now();
  await api(base, key, 'POST', `/campaigns/${campaignId}/send`);
  let fanOutAt: number | null = null;
  let sentAt: number | null = null;
  let lastPoll = 0;
  const follow = async () => {
    if (performance.now() - lastPoll < 500) return;
    lastPoll = performance.now();
    const { rows } = await db.query('select status, fanout_done from campaigns where id = $1', [campaignId]);
    if (rows[0]?.fanout_done && fanOutAt === null) fanOutAt = lastPoll;
    if (rows[0]?.status === 'SENT' && sentAt === null) sentAt = lastPoll;
  };
  await waitForMessages(phase, n, t0, { extra: follow });
  const pgEnd = await backendCpu();
  const cpu = {
    worker: workerCpu() - cpu0.worker,
    postgres: [...pgEnd].reduce((sum, [pid, s]) => sum + s - (cpu0.postgres.get(pid) ?? 0), 0),
    sink: cpuOf(process.cpuUsage(cpu0.sink)),
  };
  const deadline = performance.now() + 60_000;
  while (sentAt === null && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    await follow();
  }
  const { rows: statusRows } = await db.query('select status, count(*)::int as n from emails where campaign_id = $1 group by status', [campaignId]);
  const { rows: keyRows } = await db.query('select domain, selector, dkim_private_key_encrypted from domains where id = $1', [domain.id]);
  const sample = phase.sample!;
  const sec = (t: number | null) => (t === null ? null : (t - t0) / 1000);
  return {
    seconds: sec(phase.lastAt)!,
    firstMessageSeconds: sec(phase.firstAt)!,
    fanOutSeconds: sec(fanOutAt),
    sentSeconds: sec(sentAt),
    statuses: Object.fromEntries(statusRows.map((r) => [r.status, r.n])),
    phase,
    cpu,
    dkim: await verifyDkim(sample.raw, dnsAddress),
    key: {
      domainName: keyRows[0].domain,
      keySelector: keyRows[0].selector,
      privateKey: decrypt(keyRows[0].dkim_private_key_encrypted, Buffer.from(masterKey, 'hex')),
      // Sign exactly the headers Mailwright signed.
      headerFieldNames: dkimTags(sample.raw).h ?? 'From:To:Subject:Date:Message-ID',
    },
  };
}

async function measureRaw(scope: Scope, n: number, workers: number, sink: Awaited<ReturnType<typeof startCountingSink>>, dnsAddress: string, mw: MwResult): Promise<RawResult> {
  const sample = mw.phase.sample!;
  const config: BaselineConfig = {
    smtpUrl: sink.url,
    poolSize: SMTP_POOL_SIZE * workers,
    count: n,
    inFlight: WORKER_CONCURRENCY * 20 * workers,
    template: stripDkimHeader(sample.raw),
    sampleRecipient: sample.envelopeTo,
    sampleMessageId: /^Message-ID:\s*(<[^>]+>)/im.exec(sample.raw)![1],
    envelopeFrom: sample.envelopeFrom,
    recipientDomain: RECIPIENT_DOMAIN,
    dkim: mw.key,
  };
  const child = fork(BASELINE_TS, [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  scope.defer('stop raw baseline', () => void (child.exitCode === null && child.kill('SIGKILL')));
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: any) => m?.type === type && (child.off('message', onMessage), resolve(m));
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`raw baseline exited (${code}) while waiting for "${type}"`)));
    });
  const ready = next<{ bytes: number }>('ready');
  child.send({ type: 'config', config });
  await ready;
  const phase = sink.reset('raw nodemailer');
  const done = next<{ failed: number; firstError: string | null; cpuSeconds: number }>('done');
  const sinkCpu0 = process.cpuUsage();
  const t0 = performance.now();
  child.send({ type: 'go' });
  // The sink counts a message before it answers 250, so when every send resolved, every message is counted.
  const progress = waitForMessages(phase, n, t0, { stallMs: 60_000 });
  const result = await done;
  if (result.failed === 0) await progress;
  else progress.catch(() => {});
  const cpu = { sender: result.cpuSeconds, sink: cpuOf(process.cpuUsage(sinkCpu0)) };
  return { seconds: (phase.lastAt! - t0) / 1000, phase, failed: result.failed, firstError: result.firstError, cpu, dkim: phase.sample ? await verifyDkim(phase.sample.raw, dnsAddress) : 'no message' };
}

/** What run.ts puts into bench/RESULTS.md. */
export interface CampaignFigures {
  passed: boolean;
  verdict: string;
  recipients: number;
  mwRate: number;
  rawRate: number;
  ratio: number;
  targetRatio: number;
}

function report(opts: CampaignBenchOptions, mw: MwResult, raw: RawResult, before: ReturnType<typeof loadBefore>): CampaignFigures {
  const n = opts.recipients;
  const mwRate = n / mw.seconds;
  const rawRate = n / raw.seconds;
  const ratio = mwRate / rawRate;
  const allSigned = mw.phase.signed === n && raw.phase.signed === n && mw.dkim.startsWith('pass') && raw.dkim.startsWith('pass');
  const valid = allSigned && raw.failed === 0 && mw.statuses.SENT === n && mw.phase.received === n && raw.phase.received === n;
  const verdict = !valid ? 'INVALID' : ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  const avg = (p: SinkPhase) => (p.received ? Math.round(p.bytes / p.received) : 0);
  const s = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)} s`);
  const per1k = (cpuSeconds: number) => ((cpuSeconds / n) * 1000).toFixed(2);
  const lines = [
    `# Campaign fan-out benchmark (${n.toLocaleString()} recipients, PostgreSQL)`,
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}; load average (1/5/15 min) before the run: ${before.text}${before.busy ? ' (busy: figures are noisy)' : ''}`,
    `- Node ${process.version}, PostgreSQL ${opts.pgVersion}; SMTP sink in the benchmark process (counts, discards bodies)`,
    `- Mailwright: ${opts.workers} × \`node server/dist/worker.js\` (WORKER_CONCURRENCY=${WORKER_CONCURRENCY}, SMTP_POOL_SIZE=${SMTP_POOL_SIZE}, SEND_RATE_PER_SECOND=0, DATABASE_POOL_SIZE default), API process idle during the send`,
    `- Raw: one process, nodemailer pool (maxConnections ${SMTP_POOL_SIZE * opts.workers}, the options of mail/smtp.ts), ${WORKER_CONCURRENCY * 20 * opts.workers} sends in flight, nodemailer \`dkim\` option`,
    `- Sending domain ${DOMAIN}: POST /domains, its records published in a DNS server inside the benchmark (DNS_SERVERS), verified by GET /domains/:id/verify; REQUIRE_VERIFIED_DOMAINS=true; ${opts.recipients.toLocaleString()} contacts seeded in SQL, MARKETING campaign to ALL created and sent over HTTP`,
    '',
    '| Sender | messages | DKIM-signed | avg size | time to last message | msgs/s | ratio | verdict |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    `| Mailwright campaign | ${mw.phase.received} | ${mw.phase.signed} | ${avg(mw.phase)} B | ${mw.seconds.toFixed(1)} s | ${mwRate.toFixed(0)} | ${ratio.toFixed(2)} | ${verdict} |`,
    `| raw nodemailer pool | ${raw.phase.received} | ${raw.phase.signed} | ${avg(raw.phase)} B | ${raw.seconds.toFixed(1)} s | ${rawRate.toFixed(0)} |  |  |`,
    '',
    `ratio = Mailwright msgs/s ÷ raw msgs/s; target ≥ ${TARGET_RATIO}.`,
    '',
    `Mailwright timeline from POST /campaigns/:id/send: first message at ${s(mw.firstMessageSeconds)}, fan-out done at ${s(mw.fanOutSeconds)},`,
    `last message at ${s(mw.seconds)}, campaign SENT at ${s(mw.sentSeconds)}. Email rows: ${JSON.stringify(mw.statuses)}.`,
    `DKIM check of a sample with mailauth against the bench DNS server: Mailwright ${mw.dkim}; raw ${raw.dkim}.`,
    '',
    `CPU per 1,000 messages while sending (from /proc; PostgreSQL = backends of the bench database, background processes not included):`,
    `Mailwright worker ${per1k(mw.cpu.worker)} s + PostgreSQL ${per1k(mw.cpu.postgres)} s + sink ${per1k(mw.cpu.sink)} s; raw sender ${per1k(raw.cpu.sender)} s + sink ${per1k(raw.cpu.sink)} s.`,
    raw.failed ? `Raw baseline: ${raw.failed} sends failed (first: ${raw.firstError}).` : '',
    '',
    'What each side does per message:',
    '- Mailwright (per email.send job): claim the row, campaign and project checks, suppression gate, sender-domain check,',
    '  Liquid render from the stored snapshot, unsubscribe footer and List-Unsubscribe headers, open pixel and signed click',
    '  links, MIME build, DKIM signature (rsa-sha256, 2048-bit key), VERP return path, SMTP handoff, SENT + `email.sent` event',
    '  in one transaction, campaign finalize check; plus the fan-out (500 email rows + jobs per transaction).',
    '- Raw: the same bytes (a Mailwright message with recipient and Message-ID swapped, built before the clock starts),',
    '  signed by nodemailer with the same key and header list, handed to the same kind of pool. No database.',
    '',
    'Regenerate with `npm run bench:campaign` or `npm run bench -- --only campaign` (`--recipients N`, `--workers N`).',
    '',
  ];
  writeFileSync(RESULTS_MD, lines.filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n'));
  console.log('\n' + lines.join('\n'));
  return { passed: verdict === 'PASS', verdict, recipients: n, mwRate, rawRate, ratio, targetRatio: TARGET_RATIO };
}

/** Writes bench/RESULTS-campaign.md and returns its figures (`passed` when the ratio meets the target). */
export async function runCampaignBench(opts: CampaignBenchOptions): Promise<CampaignFigures> {
  if (!(opts.recipients > 0) || !(opts.workers >= 1)) throw new Error('--recipients and --workers must be positive numbers');
  const before = loadBefore();
  return scoped(async (scope) => {
    const sink = await startCountingSink();
    scope.defer('close SMTP sink', () => sink.close());
    const dns = await startDnsServer();
    scope.defer('close DNS server', () => dns.close());
    console.log(`Mailwright: campaign to ${opts.recipients.toLocaleString()} recipients, ${opts.workers} worker process(es)...`);
    // Workers, API and database go before the raw run starts, so it has the machine to itself too.
    const mw = await scoped((inner) => measureMailwright(inner, opts, sink, dns.address, (r) => dns.publish(r)));
    console.log(`  ${(opts.recipients / mw.seconds).toFixed(0)} msg/s; raw nodemailer pool...`);
    const raw = await scoped((inner) => measureRaw(inner, opts.recipients, opts.workers, sink, dns.address, mw));
    return report(opts, mw, raw, before);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      recipients: { type: 'string', default: '100000' },
      workers: { type: 'string', default: '1' },
      build: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  });
  releaseEverythingOnSignal();
  ensureBuilt(values.build);
  ensurePostgres()
    .then((pgVersion) => runCampaignBench({ recipients: Number(values.recipients), workers: Number(values.workers), pgVersion }))
    .then(
      (figures) => process.exit(values.check && !figures.passed ? 1 : 0),
      (err) => {
        console.error(`bench failed: ${redact(err instanceof Error ? err.message : String(err))}`);
        process.exit(1);
      },
    );
}
