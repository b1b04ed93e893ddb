import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Process, port, database and clean-up helpers shared by the benchmark runner.

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Anything shaped like a Mailwright key; child output and error bodies pass through this before printing. */
export const redact = (text: string) => text.replace(/\b(pk|sk)_[0-9A-Za-z]{8,}/g, '$1_[REDACTED]');

// ---------------------------------------------------------------------------------------------
// Clean-up: every resource registers its release in a scope; scopes release in reverse order
// when they end, and all live scopes release on SIGINT/SIGTERM so nothing outlives the run.

type Release = { label: string; fn: () => Promise<void> | void };

export class Scope {
  private stack: Release[] = [];
  private releasing: Promise<void> | null = null;
  defer(label: string, fn: Release['fn']) {
    this.stack.push({ label, fn });
  }
  /**
   * A second caller (a signal arriving while the scope ends normally) waits for the release under way
   * instead of starting its own: two loops popping the same stack would run items out of order (a
   * directory removed while the server using it is still being stopped).
   */
  release(): Promise<void> {
    this.releasing ??= this.drain().finally(() => (this.releasing = null));
    return this.releasing;
  }
  private async drain() {
    // pop() before running: an item never runs twice.
    for (let item = this.stack.pop(); item; item = this.stack.pop()) {
      try {
        await item.fn();
      } catch (err) {
        console.error(`  cleanup "${item.label}" failed: ${err instanceof Error ? err.message : err}`);
      }
    }
  }
}

const liveScopes = new Set<Scope>();

export async function scoped<T>(fn: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  liveScopes.add(scope);
  try {
    return await fn(scope);
  } finally {
    await scope.release();
    liveScopes.delete(scope);
  }
}

export function releaseEverythingOnSignal() {
  let cleaning = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: Ctrl-C reaches us twice under `npx tsx` (from the terminal and relayed by tsx),
    // and a second signal without a handler would kill the process half-way through the clean-up.
    process.on(signal, async () => {
      if (cleaning) return;
      cleaning = true;
      console.error(`\n${signal}: cleaning up children, temp dirs and databases...`);
      for (const scope of [...liveScopes].reverse()) await scope.release();
      process.exit(130);
    });
  }
}

// ---------------------------------------------------------------------------------------------

export function tmpDir(scope: Scope, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mw-bench-${prefix}-`));
  scope.defer(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asks the OS for a free port. Racy in theory, fine on a bench machine. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  /** Tail of stdout+stderr (redacted), for error messages. */
  output(): string;
}

/** Spawns a long-running server; its output is kept (not shown) so a failure can explain itself. */
export function startChild(scope: Scope, label: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  // Always drain the pipes: a full pipe would block the child's logger and skew the numbers.
  const keep = (chunk: Buffer) => void (tail = (tail + chunk.toString()).slice(-8000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  scope.defer(`stop ${label}`, () => stopChild(proc));
  return { proc, output: () => redact(tail) };
}

async function stopChild(proc: ChildProcess, graceMs = 10_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a command to completion, capturing output; rejects with the (redacted) output on failure. */
export function runCommand(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => void (out += c));
    proc.stderr.on('data', (c: Buffer) => void (err += c));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('error', reject);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.join(' ')} exited with ${code ?? signal}:\n${redact(err || out).trim()}`));
    });
  });
}

/** Polls GET /health until 200; fails early if the child dies. */
export async function waitHealthy(baseUrl: string, child: Child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) {
      throw new Error(`server exited with code ${child.proc.exitCode} before becoming healthy:\n${child.output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${baseUrl}/health did not answer 200 within ${timeoutMs / 1000}s:\n${child.output()}`);
}

// ---------------------------------------------------------------------------------------------
// Throwaway PostgreSQL databases.

export async function ensurePostgres() {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0].v;
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL}: ${err instanceof Error ? err.message : err}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL; it is dropped (connections forced off) when the scope ends. */
export async function throwawayDatabase(scope: Scope, purpose: string): Promise<string> {
  const name = `mw_bench_${purpose}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await admin(`create database ${name}`);
  scope.defer(`drop database ${name}`, () => admin(`drop database if exists ${name} with (force)`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// Shared by the benchmarks in run.ts, campaign.ts and segment-count.ts.

// MW_SERVER_DIST points at another build of the server (e.g. one compiled from a clean checkout).
const DIST = process.env.MW_SERVER_DIST ?? path.join(ROOT, 'server/dist');
export const DIST_MAIN_JS = path.join(DIST, 'main.js');

/** The Node flags of `npm start` (package.json), so the benchmarks run the server the way users start it. */
export function startNodeFlags(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const words = start.split(/\s+/);
  return words.slice(1, words.indexOf('server/dist/main.js')).filter((w) => w.startsWith('--'));
}
export const DIST_CLI_JS = path.join(DIST, 'cli.js');
export const DIST_WORKER_JS = path.join(DIST, 'worker.js');

/** Builds server/dist when asked or missing; otherwise says so if server/src moved on since the last build. */
export function ensureBuilt(force: boolean) {
  if (force || ![DIST_MAIN_JS, DIST_CLI_JS, DIST_WORKER_JS].every((f) => existsSync(f))) {
    console.log('Building the server (npm run build -w server)...');
    const r = spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build -w server failed');
    return;
  }
  const built = statSync(DIST_MAIN_JS).mtimeMs;
  const src = path.join(ROOT, 'server/src');
  const newer = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && statSync(path.join(src, f)).mtimeMs > built,
  );
  if (newer.length) console.log(`note: ${newer.length} file(s) in server/src are newer than server/dist; pass --build to rebuild.`);
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.availableParallelism()} CPUs (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${cpu}`;
}

/** The load average before a benchmark starts (during it, our own processes are the load). */
export function loadBefore(): { text: string; busy: boolean } {
  const l = os.loadavg();
  return { text: l.map((x) => x.toFixed(2)).join(' / '), busy: l[0] > os.availableParallelism() * 0.5 };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A project through the CLI (direct database access); the JSON holds both keys and never reaches the terminal. */
export async function createProjectViaCli(env: Record<string, string>, name = 'bench'): Promise<{ id: string; publicKey: string; secretKey: string }> {
  const out = await runCommand([DIST_CLI_JS, 'project', 'create', '--name', name, '--json'], env);
  let parsed: { id?: unknown; publicKey?: unknown; secretKey?: unknown };
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new Error(`CLI printed something other than JSON:\n${redact(out).slice(0, 500)}`);
  }
  const { id, publicKey, secretKey } = parsed;
  if (typeof id !== 'string' || typeof publicKey !== 'string' || typeof secretKey !== 'string' || !publicKey.startsWith('pk_') || !secretKey.startsWith('sk_')) {
    throw new Error('CLI JSON lacks id, publicKey (pk_...) or secretKey (sk_...)');
  }
  return { id, publicKey, secretKey };
}

/** Resolves once the child printed `text` (its kept output is polled); fails early if it exits. */
export async function waitForOutput(child: Child, text: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!child.output().includes(text)) {
    if (child.proc.exitCode !== null) throw new Error(`child exited with code ${child.proc.exitCode} before printing "${text}":\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`child did not print "${text}" within ${timeoutMs / 1000}s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null when unavailable. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** Resident set size (VmRSS from /proc, Linux) in MiB; null when unavailable. */
export function rssMiBOf(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stop(), which returns the peak in MiB (null if never readable). */
export function sampleRss(pid: number, everyMs = 100): { stop(): number | null } {
  let peak: number | null = null;
  const take = () => {
    const v = rssMiBOf(pid);
    if (v !== null && (peak === null || v > peak)) peak = v;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
