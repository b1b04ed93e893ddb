import { eq, inArray, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { projects, type ProjectRow } from '../../db/schema/index.js';
import type { StoredKeyPair } from '../keys/keys.js';

const hex = (b: Buffer) => b.toString('hex');

export async function insertProject(
  db: Executor,
  input: { name: string; defaultFrom?: string | null; defaultFromName?: string | null; keys: StoredKeyPair },
): Promise<ProjectRow> {
  const [row] = await db
    .insert(projects)
    .values({
      name: input.name,
      defaultFrom: input.defaultFrom ?? null,
      defaultFromName: input.defaultFromName ?? null,
      publicKeyHash: hex(input.keys.publicKeyHash),
      secretKeyHash: hex(input.keys.secretKeyHash),
      publicKeyEncrypted: input.keys.publicKeyEncrypted,
      secretKeyEncrypted: input.keys.secretKeyEncrypted,
    })
    .returning();
  return row;
}

export async function findProjectById(db: Executor, id: string): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.id, id));
  return row;
}

interface PendingLookup {
  kind: 'public' | 'secret';
  hash: string;
  resolve: (row: ProjectRow | undefined) => void;
  reject: (err: unknown) => void;
}

const pendingByDb = new WeakMap<Db, PendingLookup[]>();

/**
 * Key lookups are batched per event-loop turn: every request waiting in the batch arrived before
 * the query is sent, so each still sees the database as of after its arrival — a rotated key is
 * dead on the very next request, on every node, with no cache. Under load, one query serves many
 * concurrent requests instead of one round trip each.
 */
export function findProjectByKeyHash(db: Db, kind: 'public' | 'secret', hash: Buffer): Promise<ProjectRow | undefined> {
  return new Promise((resolve, reject) => {
    let pending = pendingByDb.get(db);
    if (!pending) {
      pending = [];
      pendingByDb.set(db, pending);
      setImmediate(() => void flushKeyLookups(db));
    }
    pending.push({ kind, hash: hex(hash), resolve, reject });
  });
}

async function flushKeyLookups(db: Db) {
  const batch = pendingByDb.get(db) ?? [];
  pendingByDb.delete(db);
  const pub = batch.filter((b) => b.kind === 'public').map((b) => b.hash);
  const sec = batch.filter((b) => b.kind === 'secret').map((b) => b.hash);
  try {
    const conditions = [pub.length ? inArray(projects.publicKeyHash, pub) : undefined, sec.length ? inArray(projects.secretKeyHash, sec) : undefined];
    const rows = await db.select().from(projects).where(or(...conditions.filter((c) => c !== undefined)));
    for (const b of batch) {
      b.resolve(rows.find((r) => (b.kind === 'public' ? r.publicKeyHash : r.secretKeyHash) === b.hash));
    }
  } catch (err) {
    for (const b of batch) b.reject(err);
  }
}

export async function replaceProjectKeys(db: Executor, id: string, keys: StoredKeyPair): Promise<ProjectRow | undefined> {
  const [row] = await db
    .update(projects)
    .set({
      publicKeyHash: hex(keys.publicKeyHash),
      secretKeyHash: hex(keys.secretKeyHash),
      publicKeyEncrypted: keys.publicKeyEncrypted,
      secretKeyEncrypted: keys.secretKeyEncrypted,
      keysRotatedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(projects.id, id))
    .returning();
  return row;
}

export async function countProjects(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(projects);
  return row.n;
}

export async function listProjects(db: Executor): Promise<ProjectRow[]> {
  return db.select().from(projects).orderBy(projects.createdAt);
}
