// Process-level test helpers: run server/src/main.ts and server/src/cli.ts as real processes via tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import { CONFIG_ENV_NAMES } from '../src/config.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
export const MAIN = path.join(ROOT, 'server/src/main.ts');
export const CLI = path.join(ROOT, 'server/src/cli.ts');

// Every variable config.ts reads: the spawned process must only see what the test sets.
// Every variable the config reads, so a developer's own environment (AWS keys, SMTP_URL…) never leaks in.
const CONFIG_VARS = CONFIG_ENV_NAMES;

const children = new Map<ChildProcess, Promise<Exit>>();
const dirs: string[] = [];

function killGroup(child: ChildProcess): boolean {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {}
  return true;
}

// Children run in their own process group, so they would outlive a test worker that exits early.
process.once('exit', () => {
  for (const child of children.keys()) killGroup(child);
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mailwright-proc-'));
  dirs.push(dir);
  return dir;
}

/** process.env without any Mailwright setting, then DATA_DIR, PORT=0, LOG_LEVEL=warn and `extra`. */
export function envFor(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of CONFIG_VARS) delete env[name];
  return { ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Proc {
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves when stdout matches; rejects if the process exits first or the time runs out. */
  waitForStdout(re: RegExp, timeoutMs: number): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL to the whole process group (tsx and the node process it starts). */
  kill(): void;
}

export function start(script: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  // Own process group, so kill() also reaches the node child that tsx spawns. cwd is a scratch
  // directory so a stray relative path (./.data) never lands in the repository.
  const child = spawn(TSX, [script, ...args], { env, cwd: tempDir(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  children.set(child, exited);
  return {
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: () => void killGroup(child),
    signal: (sig) => void child.kill(sig),
    async waitForStdout(re, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      while (!re.test(out)) {
        if (done) throw new Error(`process exited before printing ${re}\nstdout:\n${out}\nstderr:\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}\nstdout:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export interface Result extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs a process to completion (killed after `timeoutMs`). */
export async function run(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Result> {
  const p = start(script, args, env);
  const timer = setTimeout(p.kill, timeoutMs);
  const exit = await p.exited;
  clearTimeout(timer);
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}

/** Resolves with the exit, or null if the process is still running after `ms`. */
export function exitWithin(p: Proc, ms: number): Promise<Exit | null> {
  return Promise.race([p.exited, new Promise<null>((r) => setTimeout(() => r(null), ms).unref())]);
}

/** For afterAll: kills every process still running, waits for them, removes the scratch directories. */
export async function cleanup() {
  const waits: Promise<unknown>[] = [];
  for (const [child, exited] of children) {
    if (killGroup(child)) waits.push(Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]));
  }
  await Promise.all(waits);
  children.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
