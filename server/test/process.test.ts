// Real processes: server/src/main.ts and server/src/cli.ts run through tsx, as a user runs them.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_DB_URL } from './db-kind.js';
import { CLI, MAIN, cleanup, envFor, exitWithin, freePort, run, start, tempDir, type Proc } from './spawn.js';

const API_KEY = /\b(pk|sk)_[0-9A-Za-z]{20,}/;
const STACK_FRAME = /^\s+at .+[(:]/m;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sendBody = { to: 'a@b.test', subject: 'x', body: '<p>x</p>' };

afterAll(cleanup);

/** Runs the CLI with --json and parses what it printed. */
async function cliJson(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = await run(CLI, [...args, '--json'], env);
  expect(r.code, `cli ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

// Each describe below runs alongside the others ({ concurrent: true }); tests marked it.sequential
// run in order within their describe. A process takes ~2-3 s of CPU, the first embedded start ~10 s.
describe('refusing bad configuration', { concurrent: true, timeout: 150_000 }, () => {
  it('lists a bad PORT and an unknown MAIL_TRANSPORT together in one message, without a stack trace', async () => {
    const dir = tempDir();
    const r = await run(MAIN, [], envFor(dir, { PORT: 'notaport', MAIL_TRANSPORT: 'carrier-pigeon' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\s*- PORT:/m);
    expect(r.stderr).toMatch(/^\s*- MAIL_TRANSPORT:/m);
    expect(r.stderr.match(/Invalid configuration/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(path.join(dir, 'pgdata'))).toBe(false);
  });

  it('refuses MAIL_TRANSPORT=smtp without SMTP_URL', async () => {
    const r = await run(MAIN, [], envFor(tempDir(), { MAIL_TRANSPORT: 'smtp' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SMTP_URL/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses DATABASE_URL without MASTER_KEY', async () => {
    const r = await run(MAIN, [], envFor(tempDir(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/MASTER_KEY/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('CLI usage', { concurrent: true, timeout: 150_000 }, () => {
  it('prints usage and exits 0 when run without arguments', async () => {
    const r = await run(CLI, [], envFor(tempDir()));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run cli -- <command>/);
    expect(r.stdout).toMatch(/project rotate-keys <projectId>/);
  });
});

describe('embedded server and CLI, start to stop', { concurrent: true, timeout: 150_000 }, () => {
  let dir: string;
  let port: number;
  let server: Proc;
  let project: { id: string; publicKey: string; secretKey: string };
  let rotated: { publicKey: string; secretKey: string };
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;
  const post = (p: string, key: string, body: unknown) =>
    fetch(url(p), { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const serverOutput = () => server.stdout() + server.stderr();

  beforeAll(async () => {
    dir = tempDir();
    port = await freePort();
    // LOG_LEVEL=info (the default a user gets), so the no-key-in-output checks cover request logs too.
    server = start(MAIN, [], envFor(dir, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }));
    await server.waitForStdout(/Mailwright is running at/, 120_000);
  }, 150_000);
  afterAll(() => server?.kill());

  it.sequential('serves /health and prints a banner with its URL and how to show the demo keys, but no key', async () => {
    const health = await fetch(url('/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', databaseKind: 'pglite' });
    expect(server.stdout()).toContain(`http://localhost:${port}`);
    expect(server.stdout()).toMatch(/npm run cli -- project keys [0-9a-f-]{36}/);
    expect(serverOutput()).not.toMatch(API_KEY);
    // The CLI finds the server through admin.json, readable only by the owner of DATA_DIR.
    const admin = JSON.parse(readFileSync(path.join(dir, 'admin.json'), 'utf8'));
    expect(admin).toMatchObject({ url: `http://127.0.0.1:${port}`, token: expect.any(String), pid: expect.any(Number) });
    expect(statSync(path.join(dir, 'admin.json')).mode & 0o077).toBe(0);
  });

  it.sequential('refuses a second server on the same data directory, and the first keeps serving', async () => {
    const second = await run(MAIN, [], envFor(dir));
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/Another Mailwright process \(pid \d+\) is using/);
    expect(second.stderr).toContain(dir);
    expect((await fetch(url('/health'))).status).toBe(200);
    expect(existsSync(path.join(dir, 'admin.json'))).toBe(true);
  });

  it.sequential('creates a project through the running server and shows the same keys again', async () => {
    const created = await cliJson(envFor(dir), 'project', 'create', '--name', 'Acme', '--from', 'hello@acme.test');
    expect(created).toMatchObject({ id: expect.stringMatching(UUID), name: 'Acme', defaultFrom: 'hello@acme.test' });
    expect(created.publicKey).toMatch(/^pk_[0-9A-Za-z]{49}$/);
    expect(created.secretKey).toMatch(/^sk_[0-9A-Za-z]{49}$/);
    project = created;
    const keys = await cliJson(envFor(dir), 'project', 'keys', project.id);
    expect(keys).toMatchObject({ id: project.id, publicKey: project.publicKey, secretKey: project.secretKey });
  });

  it.sequential('lists the new project next to the demo project', async () => {
    const r = await run(CLI, ['project', 'list'], envFor(dir));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${project.id}  Acme`);
    expect(r.stdout).toContain('Demo project');
  });

  it.sequential('accepts the public key on /v1/track and refuses it on /v1/send', async () => {
    const track = await post('/v1/track', project.publicKey, { event: 'signed-up', email: 'a@b.test' });
    expect(track.status).toBe(200);
    const send = await post('/v1/send', project.publicKey, sendBody);
    expect(send.status).toBe(401);
    expect((await send.json()).error.code).toBe('INVALID_API_KEY');
  });

  it.sequential('rotates the keys: the old secret key stops working and the new one sends', async () => {
    rotated = await cliJson(envFor(dir), 'project', 'rotate-keys', project.id);
    expect(rotated.publicKey).toMatch(/^pk_/);
    expect(rotated.secretKey).toMatch(/^sk_/);
    expect(rotated.publicKey).not.toBe(project.publicKey);
    expect(rotated.secretKey).not.toBe(project.secretKey);
    const old = await post('/v1/send', project.secretKey, sendBody);
    expect(old.status).toBe(401);
    expect((await old.json()).error.code).toBe('INVALID_API_KEY');
    expect((await post('/v1/send', rotated.secretKey, sendBody)).status).toBe(200);
  });

  it.sequential('rejects an unknown command with usage', async () => {
    const attempts = [['frobnicate'], ['project', 'explode']];
    const results = await Promise.all(attempts.map((args) => run(CLI, args, envFor(dir))));
    for (const [i, r] of results.entries()) {
      const args = attempts[i]!;
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/Unknown/);
      expect(r.stderr).toContain('Usage: npm run cli -- <command>');
    }
  });

  it.sequential('exits 0 within 25 s of SIGTERM, having printed no API key', async () => {
    server.signal('SIGTERM');
    expect(await exitWithin(server, 25_000)).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dir, 'admin.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'mailwright.lock'))).toBe(false);
    expect(serverOutput()).not.toMatch(API_KEY);
  });

  it.sequential('lets the CLI open the data directory itself once the server is gone, with the rotated keys persisted', async () => {
    expect(await cliJson(envFor(dir), 'project', 'keys', project.id)).toMatchObject({ id: project.id, name: 'Acme', ...rotated });
  });
});

describe.skipIf(inject('dbKind') !== 'postgres')('CLI on PostgreSQL, no server running', { concurrent: true, timeout: 150_000 }, () => {
  const name = `${inject('runId')}_proc_${randomBytes(4).toString('hex')}`;
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: ADMIN_DB_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };

  beforeAll(async () => {
    await admin(`create database ${name}`); // empty: the CLI must migrate it
    env = envFor(dir, { DATABASE_URL: ADMIN_DB_URL.replace(/\/[^/]*$/, `/${name}`), MASTER_KEY: randomBytes(32).toString('hex') });
  });
  afterAll(() => admin(`drop database if exists ${name} with (force)`));

  it.sequential('migrates an empty database and says so', async () => {
    const r = await run(CLI, ['migrate'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Migrations applied/);
  });

  it.sequential('creates a project and shows the same keys again, leaving DATA_DIR untouched', async () => {
    const created = await cliJson(env, 'project', 'create', '--name', 'Acme', '--from', 'hello@acme.test');
    expect(created).toMatchObject({ id: expect.stringMatching(UUID), name: 'Acme', publicKey: expect.stringMatching(/^pk_/), secretKey: expect.stringMatching(/^sk_/) });
    const keys = await cliJson(env, 'project', 'keys', created.id);
    expect(keys).toMatchObject({ id: created.id, publicKey: created.publicKey, secretKey: created.secretKey });
    expect(existsSync(path.join(dir, 'pgdata'))).toBe(false);
    expect(existsSync(path.join(dir, 'master.key'))).toBe(false);
  });
});
