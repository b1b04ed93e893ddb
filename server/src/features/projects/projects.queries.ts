import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
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

/** One indexed lookup per request, no cache: a rotated key is dead on every node at once. */
export async function findProjectByKeyHash(db: Executor, kind: 'public' | 'secret', hash: Buffer): Promise<ProjectRow | undefined> {
  const column = kind === 'public' ? projects.publicKeyHash : projects.secretKeyHash;
  const [row] = await db.select().from(projects).where(eq(column, hex(hash)));
  return row;
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
