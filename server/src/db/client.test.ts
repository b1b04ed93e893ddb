import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_DB_URL, testDbKind } from '../../test/db-kind.js';
import pg from 'pg';
import { openDatabase, queryRows, sql } from './client.js';

// The PostgreSQL pool: a query waits its turn for a busy pool however long that takes, while opening a
// connection to a server that does not answer gives up after the connect timeout.

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe.skipIf(testDbKind() !== 'postgres')('PostgreSQL pool', () => {
  it('survives the server ending a connection held by a transaction (a restart), failing only that transaction', async () => {
    const database = await openDatabase({ kind: 'postgres', url: ADMIN_DB_URL, poolSize: 2 });
    const admin = new pg.Client({ connectionString: ADMIN_DB_URL });
    await admin.connect();
    try {
      const tx = database.db.transaction(async (t) => {
        const [{ pid }] = await queryRows<{ pid: number }>(t, sql`select pg_backend_pid() as pid`);
        // What a fast shutdown does to every backend: FATAL 57P01 while the client sits between statements.
        await admin.query('select pg_terminate_backend($1)', [pid]);
        await new Promise((r) => setTimeout(r, 300));
        await t.execute(sql`select 1`);
      });
      await expect(tx).rejects.toThrow();
      // The dead connection was dropped; the pool opens a fresh one.
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await admin.end();
      await database.close();
    }
  });

  it('lets a query wait for a free connection longer than the connect timeout', async () => {
    const database = await openDatabase({ kind: 'postgres', url: ADMIN_DB_URL, poolSize: 1 }, { connectTimeoutMs: 200 });
    try {
      const held = await database.pool!.connect();
      const waiting = database.ping();
      await new Promise((r) => setTimeout(r, 700));
      held.release();
      await expect(waiting).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    // Accepts and then stays silent, like a host behind a dropped network path.
    const silent = net.createServer((socket) => void sockets.push(socket));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const database = await openDatabase({ kind: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/none`, poolSize: 1 }, { connectTimeoutMs: 300 });
    try {
      const started = performance.now();
      await expect(database.ping()).rejects.toThrow(/timeout/i);
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await database.close();
    }
  });
});
