import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  createProjectViaCli,
  DIST_MAIN_JS,
  DIST_WORKER_JS,
  freePort,
  redact,
  startChild,
  tmpDir,
  waitForOutput,
  waitHealthy,
  type Child,
  type Scope,
} from '../../../bench/lib.js';
import type { Cluster } from './cluster.js';
import type { FaultSink } from './fault-sink.js';

// What every fault scenario shares: a database in a throwaway cluster, the compiled API and worker as
// child processes, a project with its keys, and the verdict (sent, lost, duplicated) at the end.

export const log = (...parts: unknown[]) => console.log(`  [${new Date().toISOString().slice(11, 19)}]`, ...parts);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Stack {
  env: Record<string, string>;
  db: pg.Pool;
  apiUrl: string;
}

/** A fresh database in `cluster` and the environment the API and worker processes run with. */
export async function prepareStack(scope: Scope, cluster: Cluster, name: string, sinkUrl: string, extraEnv: Record<string, string> = {}): Promise<Stack> {
  const dbUrl = await cluster.createDatabase(`mw_faults_${name}_${randomBytes(3).toString('hex')}`);
  const port = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    MASTER_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: tmpDir(scope, `faults-${name}`),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sinkUrl,
    LOG_LEVEL: 'info',
    REQUIRE_VERIFIED_DOMAINS: 'false',
    RATE_LIMIT_ENABLED: 'false',
    REQUEST_LOGGING: 'false',
    WORKFLOW_POLL_INTERVAL_MS: '250',
    ...extraEnv,
  };
  // Our own connections for the checks; errors of idle ones (database restarts) are expected.
  const db = new pg.Pool({ connectionString: dbUrl, max: 3, connectionTimeoutMillis: 2000 });
  db.on('error', () => {});
  scope.defer(`close pool ${name}`, () => db.end());
  return { env, db, apiUrl: `http://127.0.0.1:${port}` };
}

/** FAULTS_LOG_DIR keeps every child's output (redacted) for a look after a failure. */
function keepLog(child: Child, stack: Stack, label: string) {
  const dir = process.env.FAULTS_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${path.basename(stack.env.DATA_DIR)}-${label.replace(/\W+/g, '-')}.log`);
  const write = (c: Buffer) => appendFileSync(file, redact(c.toString()));
  child.proc.stdout!.on('data', write);
  child.proc.stderr!.on('data', write);
}

/** `npm start -- --api-only` from server/dist; migrations run here, before anything else starts. */
export async function startApi(scope: Scope, stack: Stack, label = 'api'): Promise<Child> {
  const child = startChild(scope, label, [DIST_MAIN_JS, '--api-only'], stack.env);
  keepLog(child, stack, label);
  await waitHealthy(stack.apiUrl, child, 60_000);
  return child;
}

/** `npm run worker` from server/dist. */
export async function startWorker(scope: Scope, stack: Stack, label = 'worker'): Promise<Child> {
  const child = startChild(scope, label, [DIST_WORKER_JS], stack.env);
  keepLog(child, stack, label);
  await waitForOutput(child, 'Mailwright started', 60_000);
  return child;
}

export function exited(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

export async function kill9(child: Child) {
  child.proc.kill('SIGKILL');
  await exited(child);
}

export interface ApiAnswer {
  status: number;
  json: any;
  ms: number;
}

export async function call(stack: Stack, key: string, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<ApiAnswer> {
  const t0 = performance.now();
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: redact(text.slice(0, 300)) };
  }
  return { status: res.status, json, ms: performance.now() - t0 };
}

/** Like `call`, but anything other than the expected status stops the scenario. */
export async function must(stack: Stack, key: string, method: string, path: string, body: unknown, expected: number) {
  const r = await call(stack, key, method, path, body);
  if (r.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${r.status} ${redact(JSON.stringify(r.json)).slice(0, 400)}`);
  return r.json;
}

export async function createProject(stack: Stack, name: string) {
  return createProjectViaCli(stack.env, name);
}

export async function rows<T = Record<string, unknown>>(stack: Stack, text: string, values: unknown[] = []): Promise<T[]> {
  return (await stack.db.query(text, values)).rows as T[];
}

/** Email ids (and recipients) in SENDING right now: the only ones a kill may duplicate. */
export async function sendingNow(stack: Stack, projectId: string): Promise<Map<string, string>> {
  const r = await rows<{ id: string; to_email: string }>(stack, `select id, to_email from emails where project_id = $1 and status = 'SENDING'`, [projectId]);
  return new Map(r.map((x) => [x.id, x.to_email.toLowerCase()]));
}

/**
 * Polls until `done()`. Fails when `progress()` (printed every 15 s) has not changed for `stallMs`,
 * or after `timeoutMs` in any case: a loaded machine is slow, a stuck one makes no progress.
 */
export async function waitUntil(what: string, done: () => Promise<boolean>, opts: { stallMs?: number; timeoutMs?: number; progress?: () => Promise<string> } = {}) {
  const { stallMs = 60_000, timeoutMs = 600_000, progress } = opts;
  const started = Date.now();
  let lastReport = Date.now();
  let lastState = '';
  let lastChange = Date.now();
  while (!(await done().catch(() => false))) {
    const state = progress ? await progress().catch((e) => String(e)) : '';
    if (state !== lastState) [lastState, lastChange] = [state, Date.now()];
    const stalled = Date.now() - lastChange > stallMs;
    if (stalled || Date.now() - started > timeoutMs) throw new Error(`${what}: ${stalled ? `no progress for ${stallMs / 1000} s` : `not done after ${timeoutMs / 1000} s`}${state ? ` (${state})` : ''}`);
    if (progress && Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      log(`waiting: ${what}; ${state}`);
    }
    await sleep(250);
  }
}

/** Email rows per status, and the reason of one that did not end SENT: the first clue when mail is lost. */
export async function emailStatus(stack: Stack, projectIds: string[]): Promise<string> {
  const counts = await rows<{ s: string; n: number }>(stack, 'select status as s, count(*)::int as n from emails where project_id = any($1) group by status order by status', [projectIds]);
  const [odd] = await rows<{ to_email: string; status: string; status_reason: string | null }>(
    stack,
    `select to_email, status, status_reason from emails where project_id = any($1) and status in ('FAILED','BOUNCED','SUPPRESSED') limit 1`,
    [projectIds],
  );
  const text = counts.map((r) => `${r.s} ${r.n}`).join(', ');
  return odd ? `${text} (e.g. ${odd.to_email} ${odd.status}: ${(odd.status_reason ?? '').slice(0, 200)})` : text;
}

export interface Verdict {
  ok: boolean;
  summary: string;
}

/**
 * Sent, lost and duplicated for one group of recipients. A recipient counts as duplicated when the
 * sink accepted more than one message for it; that is only allowed when its email was SENDING at a
 * kill (`allowed`: email id → recipient), and every such recipient is named. Receiving two different
 * Message-IDs for one email is never allowed (the receiver could not dedupe them).
 */
export function judge(
  label: string,
  sink: FaultSink,
  expected: string[],
  allowed: Map<string, string>,
  extra: { problems?: string[]; lines?: string[]; mayArrive?: Set<string>; fault?: string } = {},
): Verdict {
  const fault = extra.fault ?? 'at a kill';
  const wanted = new Set(expected.map((e) => e.toLowerCase()));
  const allowedRecipients = new Map([...allowed].map(([id, to]) => [to, id]));
  const lost = [...wanted].filter((e) => !sink.byRecipient.has(e));
  // A request that got no 200 (an error or a cut connection) may still have been stored: it may arrive.
  const unexpected = [...sink.byRecipient.keys()].filter((e) => !wanted.has(e) && !extra.mayArrive?.has(e));
  let received = 0;
  const duplicated: string[] = [];
  const notAllowed: string[] = [];
  const twoIds: string[] = [];
  for (const e of wanted) {
    const ids = sink.byRecipient.get(e) ?? [];
    received += ids.length;
    if (new Set(ids).size > 1) twoIds.push(e);
    if (ids.length > 1) {
      const emailId = allowedRecipients.get(e);
      duplicated.push(`${e} ×${ids.length} ${ids[0]}${emailId ? ` (SENDING ${fault})` : ` (NOT SENDING ${fault})`}`);
      if (!emailId) notAllowed.push(e);
    }
  }
  const problems = [...(extra.problems ?? [])];
  if (lost.length) problems.push(`${lost.length} lost, e.g. ${lost.slice(0, 5).join(', ')}`);
  if (unexpected.length) problems.push(`${unexpected.length} unexpected recipients, e.g. ${unexpected.slice(0, 3).join(', ')}`);
  if (notAllowed.length) problems.push(`${notAllowed.length} duplicated but not SENDING ${fault}`);
  if (twoIds.length) problems.push(`${twoIds.length} recipients got two different Message-IDs: ${twoIds.slice(0, 5).join(', ')}`);
  const ok = problems.length === 0;
  const lines = [
    `${label}: ${ok ? 'PASS' : 'FAIL'}`,
    `    expected recipients ${wanted.size}; messages received ${received}; lost ${lost.length}; duplicated ${duplicated.length} (allowed: ${allowed.size} emails were SENDING ${fault})`,
    ...duplicated.map((d) => `      duplicate: ${d}`),
    ...(extra.lines ?? []).map((l) => `    ${l}`),
    ...problems.map((p) => `    problem: ${p}`),
  ];
  return { ok, summary: lines.join('\n') };
}
