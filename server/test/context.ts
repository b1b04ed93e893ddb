import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, type Env } from '../src/config.js';
import { closeContainer, createContainer, type AppDeps, type ContainerOverrides } from '../src/container.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { registerCampaignJobs } from '../src/features/campaigns/campaigns.jobs.js';
import { registerBillingJobs } from '../src/features/billing/billing.jobs.js';
import { registerContactJobs } from '../src/features/contacts/contacts.jobs.js';
import { registerEmailJobs } from '../src/features/emails/emails.jobs.js';
import { registerWorkflowJobs } from '../src/features/workflows/engine/workflows.jobs.js';
import { createProject, type ProjectWithKeys } from '../src/features/projects/projects.service.js';
import { createLogger } from '../src/http/logger.js';
import type { Transport } from '../src/mail/transport.js';
import type { Clock } from '../src/core/clock.js';
import { ADMIN_DB_URL } from './db-kind.js';

export interface TestContext {
  deps: AppDeps;
  app: Awaited<ReturnType<typeof buildApp>>;
  project: ProjectWithKeys;
  /** Every log line written while the context was open. */
  logs: string[];
  /** Every response body the helpers received. */
  bodies: string[];
  request(method: string, url: string, opts?: { key?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number; json: any; headers: Record<string, any>; body: string }>;
  newProject(name?: string, defaultFrom?: string | null): Promise<ProjectWithKeys>;
  /** Job handlers; `workflowPoller: false` leaves the workflow sweeps to the test (runWorkflowSweep). */
  startWorker(opts?: { workflowPoller?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A database that outlives one context, for restart tests: each createTestContext({ keptDatabase })
 * opens it anew (a file-backed PGlite data dir, or one PostgreSQL database) and close() leaves it be;
 * the test calls drop() at the end.
 */
export interface KeptTestDatabase {
  open(): Promise<{ database: Database; env: Env }>;
  drop(): Promise<void>;
}

export async function createKeptTestDatabase(): Promise<KeptTestDatabase> {
  if (inject('dbKind') === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'mailwright-kept-db-'));
    let loaded = false;
    return {
      async open() {
        const loadDataDir = loaded ? undefined : new Blob([readFileSync(inject('pgliteSnapshot'))]);
        loaded = true;
        return { database: await openDatabase({ kind: 'pglite', dataDir }, { loadDataDir }), env: {} };
      },
      async drop() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const { url, drop } = await createPostgresTestDatabase();
  return { open: async () => ({ database: await openDatabase({ kind: 'postgres', url, poolSize: 5 }), env: { DATABASE_URL: url } }), drop };
}

async function createPostgresTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DB_URL });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
  await admin.end();
  const url = ADMIN_DB_URL.replace(/\/[^/]*$/, `/${name}`);
  const drop = async () => {
    const c = new pg.Client({ connectionString: ADMIN_DB_URL });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  return { url, drop };
}

async function openTestDatabase(): Promise<{ database: Database; env: Env; drop?: () => Promise<void> }> {
  if (inject('dbKind') === 'pglite') {
    const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
    return { database: await openDatabase({ kind: 'pglite', dataDir: '' }, { inMemory: true, loadDataDir: snapshot }), env: {} };
  }
  const { url, drop } = await createPostgresTestDatabase();
  return { database: await openDatabase({ kind: 'postgres', url, poolSize: 5 }), env: { DATABASE_URL: url }, drop };
}

export async function createTestContext(
  opts: { env?: Env; transport?: Transport; clock?: Clock; overrides?: Omit<ContainerOverrides, 'database'>; keptDatabase?: KeptTestDatabase } = {},
): Promise<TestContext> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mailwright-ctx-'));
  const { database, env, drop }: { database: Database; env: Env; drop?: () => Promise<void> } = opts.keptDatabase
    ? await opts.keptDatabase.open()
    : await openTestDatabase();
  const config = loadConfig({
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    SEND_RETRY_DELAY_SECONDS: '1',
    // Cheaper password hashing keeps account tests fast; production uses 2^17 (config default).
    PASSWORD_SCRYPT_LOG_N: '14',
    // Tests send from made-up domains on both databases; sending-domain tests turn this on themselves.
    REQUIRE_VERIFIED_DOMAINS: 'false',
    ...env,
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const deps = await createContainer(config, createLogger('info', sink), { ...opts.overrides, database, transport: opts.transport, clock: opts.clock });
  const app = await buildApp(deps);
  const bodies: string[] = [];
  const newProject = (name = 'Test project', defaultFrom: string | null = 'sender@example.com') =>
    createProject(deps, { actor: { type: 'system' } }, { name, defaultFrom });
  const project = await newProject();
  let workerStarted = false;
  let stopWorkflowPoller: (() => Promise<void>) | null = null;

  return {
    deps,
    app,
    project,
    logs,
    bodies,
    newProject,
    async request(method, url, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const key = o.key === undefined ? project.secretKey : o.key;
      if (key) headers.authorization = `Bearer ${key}`;
      if (o.body !== undefined || o.rawBody !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.inject({ method: method as never, url, headers, payload: o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
      bodies.push(res.body);
      let json: unknown = null;
      try {
        json = res.json();
      } catch {}
      return { status: res.statusCode, json, headers: res.headers, body: res.body };
    },
    async startWorker(workerOpts = {}) {
      if (workerStarted) return;
      workerStarted = true;
      await registerEmailJobs(deps.queue, deps, 4);
      await registerContactJobs(deps.queue, deps.db);
      await registerCampaignJobs(deps.queue, deps);
      await registerBillingJobs(deps.queue, deps);
      const poller = await registerWorkflowJobs(deps.queue, deps);
      if (workerOpts.workflowPoller === false) await poller.stop();
      else stopWorkflowPoller = () => poller.stop();
    },
    async close() {
      await stopWorkflowPoller?.();
      await app.close();
      await closeContainer(deps, { graceful: false });
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a truthy value (for work done by the worker). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
