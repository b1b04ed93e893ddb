import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import path from 'node:path';
import pg from 'pg';

// The yardstick for /v1/track: the same Fastify, the same database kind, and the least work a
// tracking endpoint can do — parse JSON, ONE insert, answer. No auth, no contacts, no audit.
//
// Env: PORT, and either DATA_DIR (PGlite, in-process) or DATABASE_URL (node-postgres pool).

const SCHEMA = `
  create table if not exists events (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null,
    name text not null,
    email text not null,
    data jsonb,
    created_at timestamptz not null default now()
  );
  create index if not exists events_project_name_created_idx on events (project_id, name, created_at);
`;
const INSERT = 'insert into events (project_id, name, email, data) values ($1, $2, $3, $4) returning id, created_at';
// One fixed project: the real endpoint resolves it from the key, the baseline deliberately does not.
const PROJECT_ID = '00000000-0000-4000-8000-000000000001';

type Query = (sql: string, params: unknown[]) => Promise<{ id: string; created_at: Date }>;

async function openDatabase(): Promise<{ query: Query; close(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    // Same pool size as Mailwright's default DATABASE_POOL_SIZE, so both get the same connections.
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    await pool.query(SCHEMA);
    return { query: async (sql, params) => (await pool.query(sql, params)).rows[0], close: () => pool.end() };
  }
  // Persistent data dir, like Mailwright's embedded mode (DATA_DIR/pgdata).
  const db = await PGlite.create({ dataDir: path.join(process.env.DATA_DIR!, 'pgdata') });
  await db.exec(SCHEMA);
  return {
    query: async (sql, params) => (await db.query<{ id: string; created_at: Date }>(sql, params)).rows[0],
    close: () => db.close(),
  };
}

const db = await openDatabase();
const app = Fastify({ logger: false, keepAliveTimeout: 5_000 });

app.get('/health', async () => {
  await db.query('select 1 as id, now() as created_at', []);
  return { status: 'ok' };
});

app.post<{ Body: { event: string; email: string; data?: Record<string, unknown> } }>(
  '/v1/track',
  {
    // A plain JSON schema (ajv), i.e. what a bare Fastify route would validate with.
    schema: {
      body: {
        type: 'object',
        required: ['event', 'email'],
        properties: { event: { type: 'string', minLength: 1 }, email: { type: 'string', minLength: 3 }, data: { type: 'object' } },
      },
    },
  },
  async (request) => {
    const { event, email, data } = request.body;
    const row = await db.query(INSERT, [PROJECT_ID, event, email, data ?? null]);
    return { success: true, data: { event: row.id, timestamp: row.created_at.toISOString() } };
  },
);

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

const shutdown = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
