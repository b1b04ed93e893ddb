import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, type Scope } from '../../../bench/lib.js';

// A throwaway PostgreSQL cluster of its own (initdb + pg_ctl), so the fault tests can stop and restart
// the database without touching the machine's shared cluster on 5432. fsync stays on: the tests check
// that an acknowledged write survives a restart, which only means something with durable commits.

const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface Cluster {
  port: number;
  /** A URL for a new database in this cluster. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  logTail(): string;
}

/** initdb refuses to run as root: as root, the binaries run as the `postgres` user in a directory it owns. */
function asOwner(args: string[]): Promise<void> {
  const argv = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  // Asynchronous: the scenarios keep their load running while the database stops and starts.
  return new Promise((resolve, reject) => {
    const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => void (out += c));
    proc.stderr.on('data', (c: Buffer) => void (out += c));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
    proc.once('error', reject);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(args[0])} ${args.at(-1)} failed (${code ?? signal}): ${out.trim().slice(-1000)}`));
    });
  });
}

export async function startCluster(scope: Scope, label: string): Promise<Cluster> {
  if (!existsSync(path.join(BIN, 'initdb'))) throw new Error(`PostgreSQL binaries not found in ${BIN} (set PG_BIN_DIR)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), `mw-faults-${label}-`));
  // Registered first, so it runs last: the directory goes after the server has stopped.
  scope.defer(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid)) throw new Error('running as root needs a `postgres` user to own the throwaway cluster');
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const port = await freePort();
  await asOwner([path.join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, '-c fsync=on', '-c max_connections=200', '-c shared_buffers=64MB'].join(' ');
  let running = false;
  const start = async () => {
    running = true;
    await asOwner([path.join(BIN, 'pg_ctl'), '-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
  };
  // fast: roll back open transactions and disconnect clients, as an operator's restart would.
  const stop = async () => {
    await asOwner([path.join(BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  scope.defer(`stop cluster ${label}`, async () => {
    if (!running) return;
    await stop().catch(() => asOwner([path.join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']));
  });
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    logTail: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : ''),
  };
}
