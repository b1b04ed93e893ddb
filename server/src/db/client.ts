import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;
/** Either the database or an open transaction: queries take this so callers choose the boundary. */
export type Executor = Db | Tx;

export interface Database {
  kind: DatabaseConfig['kind'];
  db: Db;
  /** Present in embedded mode: pg-boss shares the single PGlite connection. */
  pglite?: PGlite;
  /** Present on PostgreSQL. */
  pool?: pg.Pool;
  url?: string;
  /** Runs a hot-path statement outside any transaction; on PostgreSQL it is prepared once per connection. */
  runPrepared<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** A PGlite snapshot to start from (tests); an in-memory database when no dataDir is given. */
  loadDataDir?: Blob;
  inMemory?: boolean;
  /** PostgreSQL: how long opening one connection may take (default 5 s). */
  connectTimeoutMs?: number;
}

export async function openDatabase(cfg: DatabaseConfig, opts: OpenOptions = {}): Promise<Database> {
  if (cfg.kind === 'pglite') {
    const pglite = await PGlite.create({
      dataDir: opts.inMemory ? undefined : cfg.dataDir,
      loadDataDir: opts.loadDataDir,
      // Trigram indexes for substring search on emails (see migration 0003).
      extensions: { pg_trgm },
    });
    const db = drizzlePglite(pglite, { schema }) as unknown as Db;
    return {
      kind: 'pglite',
      db,
      pglite,
      runPrepared: async <T>(_name: string, text: string, values: unknown[]) => (await pglite.query<T>(text, values)).rows,
      ping: async () => void (await pglite.query('select 1')),
      close: () => pglite.close(),
    };
  }
  // The timeout goes on each connection attempt (a host that does not answer), not on the pool: pg-pool
  // applies its own connectionTimeoutMillis to waiting for a free connection too, which failed the
  // queries of a busy worker (hundreds of deliveries on ten connections) after 5 s. A stopped server
  // refuses at once either way, so requests still get their 503 quickly.
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  class BoundedConnectClient extends pg.Client {
    constructor(config: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }
  }
  const pool = new pg.Pool({ connectionString: cfg.url, max: cfg.poolSize, Client: BoundedConnectClient as never });
  // A client losing its connection (database restart) must not crash the process. The pool only listens
  // to idle clients; a checked-out one (a transaction between two statements) would emit an unheard
  // 'error'. Its next statement fails with the same cause, and the pool drops it on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => void client.on('error', () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    url: cfg.url,
    runPrepared: async <T>(name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows as T[],
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

/** Applies pending migrations. On PostgreSQL an advisory lock serialises concurrent starters. */
export async function migrateDatabase(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR, migrationsSchema: 'public' };
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, config);
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('select pg_advisory_lock(727274)');
    await migratePg(drizzlePg(client, { schema }), config);
  } finally {
    await client.query('select pg_advisory_unlock(727274)').catch(() => {});
    client.release();
  }
}

interface RawClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A hot-path statement on the database or in the caller's open transaction. On PostgreSQL it is
 * prepared once per connection under `name` (no parse and plan per call: for the batched send's
 * contact upsert that was a third of its database time); PGlite runs it as a plain query. Drizzle
 * keeps the connection of a transaction in `session.client` (a pool or a pool client on
 * node-postgres, the PGlite instance or transaction on PGlite).
 */
export async function queryPrepared<T>(executor: Executor, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = (executor as unknown as { session: { client: RawClient } }).session.client;
  const named = client instanceof pg.Pool || client instanceof pg.Client;
  const result = named ? await client.query({ name, text, values }) : await client.query(text, values);
  return result.rows as T[];
}

/** Rows of a raw `sql` query (the result shape is the same on PGlite and node-postgres). */
export async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
