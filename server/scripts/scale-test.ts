// `npm run test:scale [-- --recipients 20000] [--rate N] [--limited-recipients N] [--only a|b] [--tx-rate 10] [--dump DIR] [--build]`
//
// Scale-out on one PostgreSQL (a throwaway database on the machine's server, dropped at the end): two API
// processes (`node server/dist/main.js --api-only`) and two worker processes (`node server/dist/worker.js`),
// delivering into an SMTP sink in this process. Two runs, each a MARKETING campaign plus concurrent
// `/v1/send` traffic spread over both API processes:
//   B, no rate limit:    every message arrives, no duplicate Message-ID, each worker sends ≥ 30 %;
//   A, SEND_RATE_PER_SECOND set (shared by both workers through the database): the same, and the rate
//      measured at the sink stays within the limit + 10 % over sliding 2 s windows after the first second.
// B runs first: its throughput picks A's limit (half of it, at most 150/s) unless --rate is given, so the
// limit is one this machine can exceed. During B, keys rotated through API 1 must be refused by API 2 at once.
// Workers are attributed from the outside (see scale-sink.ts). Exit 1 when a check fails.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  DIST_MAIN_JS,
  DIST_WORKER_JS,
  createProjectViaCli,
  ensureBuilt,
  ensurePostgres,
  freePort,
  redact,
  releaseEverythingOnSignal,
  scoped,
  startChild,
  throwawayDatabase,
  tmpDir,
  waitForOutput,
  waitHealthy,
  type Scope,
} from '../../bench/lib.js';
import { checkDelivery, measureRates, sharesByPid } from './scale-checks.js';
import { checkKeyRotation } from './scale-key-rotation.js';
import { startScaleSink, type ScaleSink } from './scale-sink.js';

const { values: args } = parseArgs({
  options: {
    recipients: { type: 'string', default: '20000' },
    rate: { type: 'string' },
    'limited-recipients': { type: 'string' },
    build: { type: 'boolean', default: false },
    only: { type: 'string' },
    'tx-rate': { type: 'string', default: '10' },
    dump: { type: 'string' },
  },
});
const RECIPIENTS = Number(args.recipients);
const MIN_WORKER_SHARE = 0.3;
const RATE_TOLERANCE = 1.1;
const STALL_MS = 90_000;
// On a slow machine the campaign outlasts this; the traffic stops there so the run stays within a few minutes.
const TRAFFIC_MAX_MS = 150_000;
const PUBLIC_URL = 'http://mailwright.scale-test.example'; // what the load balancer would be reached at

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cluster {
  env: Record<string, string>;
  apis: [string, string];
  db: pg.Client;
}

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

async function startCluster(scope: Scope, sink: ScaleSink): Promise<Cluster> {
  const databaseUrl = await throwawayDatabase(scope, 'scale');
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    MASTER_KEY: randomBytes(32).toString('hex'),
    PUBLIC_URL,
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    REQUIRE_VERIFIED_DOMAINS: 'false',
    // The per-project request limits are not under test and would refuse the /v1/send load.
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
  const bases: string[] = [];
  // One after the other: the first applies the migrations, the second finds them done.
  for (const i of [1, 2]) {
    const port = await freePort();
    const child = startChild(scope, `api ${i}`, [DIST_MAIN_JS, '--api-only'], { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tmpDir(scope, `scale-api${i}`) });
    bases.push(`http://127.0.0.1:${port}`);
    await waitHealthy(bases[i - 1], child);
  }
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  scope.defer('close pg client', () => db.end());
  return { env, apis: bases as [string, string], db };
}

async function startWorkers(scope: Scope, env: Record<string, string>, ratePerSecond: number): Promise<number[]> {
  const pids: number[] = [];
  for (const i of [1, 2]) {
    const w = startChild(scope, `worker ${i}`, [DIST_WORKER_JS], { ...env, SEND_RATE_PER_SECOND: String(ratePerSecond), LOG_LEVEL: 'info', DATA_DIR: tmpDir(scope, `scale-worker${i}`) });
    await waitForOutput(w, 'Mailwright started');
    pids.push(w.proc.pid!);
  }
  return pids;
}

/** A project with `n` contacts (seeded in SQL) and a draft MARKETING campaign to all of them. */
async function prepareCampaign(cluster: Cluster, tag: string, n: number) {
  const project = await createProjectViaCli(cluster.env, `scale-${tag}`);
  await cluster.db.query(
    `insert into contacts (project_id, email, data)
     select $1, 'c' || g || '@${tag}.scale-test.example', jsonb_build_object('n', g) from generate_series(1, $2::int) g`,
    [project.id, n],
  );
  await cluster.db.query('analyze contacts');
  const created = await api(cluster.apis[0], project.secretKey, 'POST', '/campaigns', {
    name: `Scale ${tag}`,
    subject: 'Scale test {{ n }}',
    body: '<p>Hello reader {{ n }}</p>',
    from: `news@${tag}.scale-test.example`,
    type: 'MARKETING',
    audienceType: 'ALL',
  });
  if (created.data.totalRecipients !== n) throw new Error(`campaign counts ${created.data.totalRecipients} recipients, expected ${n}`);
  const expected = new Set(Array.from({ length: n }, (_, i) => `c${i + 1}@${tag}.scale-test.example`));
  return { key: project.secretKey, campaignId: created.data.id as string, expected };
}

/** /v1/send at `perSecond`, alternating between the API processes, until `stop()`; a separate project so the campaign audience stays fixed. */
function sendTraffic(apis: [string, string], key: string, tag: string, perSecond: number, stop: () => boolean) {
  const acknowledged = new Set<string>();
  const refused: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const done = (async () => {
    for (let i = 0; !stop(); i++) {
      const to = `tx${i}@${tag}.scale-test.example`;
      const p = api(apis[i % 2], key, 'POST', '/v1/send', { to, from: `app@${tag}.scale-test.example`, subject: `Receipt ${i}`, body: `<p>Receipt ${i}</p>` })
        .then(() => void acknowledged.add(to), (err: Error) => void refused.push(err.message))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      await sleep(1000 / perSecond);
    }
    await Promise.all(inFlight);
  })();
  return { acknowledged, refused, done };
}

interface RunResult {
  ok: boolean;
  lines: string[];
  rate: number;
}

async function runCampaign(cluster: Cluster, sink: ScaleSink, opts: { tag: string; recipients: number; rateLimit: number; txPerSecond: number; rotateKeys: boolean }): Promise<RunResult> {
  return scoped(async (scope) => {
    const label = opts.rateLimit ? `run A (SEND_RATE_PER_SECOND=${opts.rateLimit})` : 'run B (no rate limit)';
    const campaign = await prepareCampaign(cluster, opts.tag, opts.recipients);
    const txProject = await createProjectViaCli(cluster.env, `scale-${opts.tag}-tx`);
    const pids = await startWorkers(scope, cluster.env, opts.rateLimit);
    currentPids = pids;
    log(`${label}: ${opts.recipients} contacts seeded, workers ${pids.join(', ')} started; sending`);
    const first = sink.messages.length;
    const t0 = performance.now();
    const received = new Set<string>();
    let scanned = first;
    let campaignReached = 0;
    const scan = () => {
      for (; scanned < sink.messages.length; scanned++) {
        for (const to of sink.messages[scanned].to) {
          if (!received.has(to) && campaign.expected.has(to)) campaignReached += 1;
          received.add(to);
        }
      }
      return campaignReached;
    };
    // Email rows by status show whether the fan-out or the delivery is behind.
    const progress = setInterval(async () => {
      const { rows } = await cluster.db.query('select status, count(*)::int as n from emails where campaign_id = $1 group by status', [campaign.campaignId]).catch(() => ({ rows: [] }));
      const statuses = rows.map((r) => `${r.status} ${r.n}`).join(', ') || 'none yet';
      log(`${label}: ${sink.messages.length - first} messages, ${scan()}/${opts.recipients} campaign recipients after ${((performance.now() - t0) / 1000).toFixed(0)} s; campaign email rows: ${statuses}`);
    }, 15_000);
    scope.defer('stop progress', () => clearInterval(progress));
    const traffic = sendTraffic(cluster.apis, txProject.secretKey, opts.tag, opts.txPerSecond, () => scan() >= opts.recipients || performance.now() - t0 > TRAFFIC_MAX_MS);
    // The send request goes to API 2, the campaign was created on API 1.
    await api(cluster.apis[1], campaign.key, 'POST', `/campaigns/${campaign.campaignId}/send`);
    const rotation = opts.rotateKeys
      ? sleep(2000)
          .then(() => checkKeyRotation(cluster.apis, PUBLIC_URL))
          .catch((err: Error) => ({ ok: false, lines: [`  FAIL key rotation check could not run: ${redact(err.message)}`] }))
      : null;
    await traffic.done;
    const expected = new Set([...campaign.expected, ...traffic.acknowledged]);
    await waitForAll(expected, received, scan, label);
    const seconds = (performance.now() - t0) / 1000;
    await sleep(2000); // late duplicates would arrive now
    const messages = sink.messages.slice(first);
    // --dump DIR: arrival times (ms after the first message) and sender pid per message, for a closer look.
    if (args.dump) writeFileSync(path.join(args.dump, `scale-${opts.tag}.csv`), messages.map((m) => `${(m.at - messages[0].at).toFixed(1)},${m.pid},${m.to[0]?.startsWith('tx') ? 'tx' : 'campaign'}`).join('\n') + '\n');
    const delivery = checkDelivery(messages, expected);
    // The bucket stays full until the campaign's flow outruns it, so "the first second" is the campaign's.
    const campaignStart = messages.find((m) => campaign.expected.has(m.to[0] ?? ''))?.at;
    const rates = measureRates(messages, campaignStart === undefined ? undefined : campaignStart + 1000);
    const shares = sharesByPid(messages, pids);
    const { rows } = await cluster.db.query('select status from campaigns where id = $1', [campaign.campaignId]);
    const rot = rotation ? await rotation : null;
    const rateOk = !opts.rateLimit || rates.max2s <= opts.rateLimit * RATE_TOLERANCE;
    const sharesOk = opts.rateLimit > 0 || shares.every((s) => s.pid === null || s.share >= MIN_WORKER_SHARE);
    const deliveryOk = delivery.missing.length === 0 && delivery.unexpected.length === 0 && delivery.duplicateMessageIds === 0 && rows[0]?.status === 'SENT';
    const ok = deliveryOk && rateOk && sharesOk && traffic.refused.length === 0 && (rot?.ok ?? true);
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const lines = [
      `${label}: ${ok ? 'PASS' : 'FAIL'}`,
      `  campaign recipients           ${opts.recipients} (campaign ${rows[0]?.status}; must be SENT)`,
      `  /v1/send acknowledged         ${traffic.acknowledged.size} (${opts.txPerSecond}/s over both API processes; refused ${traffic.refused.length}${traffic.refused.length ? ': ' + traffic.refused[0] : ''})`,
      `  messages received             ${delivery.messages} of ${expected.size} expected, in ${seconds.toFixed(1)} s`,
      `  missing (must be 0)           ${delivery.missing.length}${delivery.missing.length ? ' e.g. ' + delivery.missing.slice(0, 3).join(', ') : ''}`,
      `  unexpected recipients         ${delivery.unexpected.length}`,
      `  duplicate Message-IDs (0)     ${delivery.duplicateMessageIds} (recipients with >1 message: ${delivery.recipientsWithSeveral})`,
      `  send rate at the sink         ${rates.average.toFixed(0)} msg/s average; max over 1 s windows ${rates.max1s.toFixed(0)}/s, over 2 s windows ${rates.max2s.toFixed(0)}/s (from 1 s after the first campaign message)`,
      ...(opts.rateLimit ? [`  rate limit check              ${rateOk ? 'ok' : 'FAIL'}: max 2 s window ${rates.max2s.toFixed(0)}/s ≤ ${(opts.rateLimit * RATE_TOLERANCE).toFixed(0)}/s (limit + 10 %)`] : []),
      ...shares.map((s) => `  ${s.pid === null ? 'not attributed   ' : `worker pid ${String(s.pid).padEnd(7)}`}            ${s.messages} messages (${pct(s.share)})${opts.rateLimit || s.pid === null ? '' : s.share >= MIN_WORKER_SHARE ? ' ≥ 30 % ok' : ' < 30 % FAIL'}`),
      `  connections not attributed    ${sink.unattributedConnections()}`,
      ...(rot ? ['  key rotation (rotated on API 1 during the run):', ...rot.lines] : []),
    ];
    return { ok, lines, rate: delivery.messages / seconds };
  });
}

const countIn = (wanted: Set<string>, got: Set<string>) => [...wanted].filter((r) => got.has(r)).length;

/** Until every expected recipient got a message; fails when nothing new arrives for STALL_MS. */
async function waitForAll(expected: Set<string>, received: Set<string>, scan: () => unknown, label: string) {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    scan();
    const got = countIn(expected, received);
    if (got >= expected.size) return;
    if (got !== last) [last, lastChange] = [got, performance.now()];
    else if (performance.now() - lastChange > STALL_MS) throw new Error(`${label}: nothing new for ${STALL_MS / 1000} s at ${got}/${expected.size} recipients`);
    await sleep(500);
  }
}

let currentPids: number[] = [];

async function main(): Promise<boolean> {
  ensureBuilt(args.build);
  const pgVersion = await ensurePostgres();
  const started = performance.now();
  return scoped(async (scope) => {
    const sink = await startScaleSink(() => currentPids);
    scope.defer('close sink', () => sink.close());
    const cluster = await startCluster(scope, sink);
    log(`PostgreSQL ${pgVersion}; API processes at ${cluster.apis.join(' and ')}; sink ${sink.url}`);
    const only = args.only?.toLowerCase();
    const b = only === 'a' ? null : await runCampaign(cluster, sink, { tag: 'b', recipients: RECIPIENTS, rateLimit: 0, txPerSecond: Number(args['tx-rate']), rotateKeys: true });
    let a: RunResult | null = null;
    let limitedRecipients = 0;
    if (only !== 'b') {
      const limit = args.rate ? Number(args.rate) : b ? Math.min(150, Math.max(20, Math.floor(b.rate / 2 / 10) * 10)) : 50;
      limitedRecipients = args['limited-recipients'] ? Number(args['limited-recipients']) : Math.min(RECIPIENTS, limit * 40);
      const why = args.rate ? '--rate' : b ? `half of run B's ${b.rate.toFixed(0)} msg/s, at most 150/s` : 'default without run B';
      log(`run A: limit ${limit}/s (${why}), ${limitedRecipients} recipients (about 40 s of sending)`);
      a = await runCampaign(cluster, sink, { tag: 'a', recipients: limitedRecipients, rateLimit: limit, txPerSecond: Math.max(1, Math.round(limit / 10)), rotateKeys: false });
    }
    const ok = (a?.ok ?? true) && (b?.ok ?? true);
    console.log(['', `Scale test: 2 API processes (--api-only) + 2 worker processes on one PostgreSQL ${pgVersion}`, ...(b?.lines ?? []), ...(a?.lines ?? [])].join('\n'));
    const sizes = `${b ? `run B ${RECIPIENTS} campaign recipients` : ''}${a && b ? ', ' : ''}${a ? `run A ${limitedRecipients} (kept short for CI: the limited run takes recipients ÷ limit seconds)` : ''}`;
    console.log(`\n${ok ? 'PASS' : 'FAIL'} in ${((performance.now() - started) / 1000).toFixed(0)} s; ${sizes}`);
    return ok;
  });
}

releaseEverythingOnSignal();
main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    console.error(`test:scale failed: ${redact(err instanceof Error ? err.message : String(err))}`);
    process.exit(1);
  },
);
