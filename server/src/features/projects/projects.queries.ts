import { eq, or, sql } from 'drizzle-orm';
import { createTickBatcher } from '../../core/tick-batcher.js';
import type { Db, Executor } from '../../db/client.js';
import { apiRequests, projects, type ProjectRow } from '../../db/schema/index.js';
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

type KeyLookup = { kind: 'public' | 'secret'; hash: string };
const lookupsByDb = new WeakMap<Db, (item: KeyLookup) => Promise<ProjectRow | undefined>>();

/**
 * Key lookups are batched per event-loop turn (see core/tick-batcher.ts): a rotated key is still
 * dead on the very next request, on every node, since there is no cache.
 */
export function findProjectByKeyHash(db: Db, kind: 'public' | 'secret', hash: Buffer): Promise<ProjectRow | undefined> {
  let lookup = lookupsByDb.get(db);
  if (!lookup) {
    lookup = createTickBatcher((batch: KeyLookup[]) => lookupKeyHashes(db, batch));
    lookupsByDb.set(db, lookup);
  }
  return lookup({ kind, hash: hex(hash) });
}

// Built once per database and run as a named prepared statement: this runs for every API request.
const keyLookupStatements = new WeakMap<Db, ReturnType<typeof prepareKeyLookup>>();

function prepareKeyLookup(db: Db) {
  return db
    .select()
    .from(projects)
    .where(
      or(
        sql`${projects.publicKeyHash} = any(${sql.placeholder('pub')}::text[])`,
        sql`${projects.secretKeyHash} = any(${sql.placeholder('sec')}::text[])`,
      ),
    )
    .prepare('mailwright_project_by_key_hashes_v1');
}

async function lookupKeyHashes(db: Db, batch: KeyLookup[]): Promise<(ProjectRow | undefined)[]> {
  let statement = keyLookupStatements.get(db);
  if (!statement) keyLookupStatements.set(db, (statement = prepareKeyLookup(db)));
  const pub = batch.filter((b) => b.kind === 'public').map((b) => b.hash);
  const sec = batch.filter((b) => b.kind === 'secret').map((b) => b.hash);
  const rows = await statement.execute({ pub, sec });
  return batch.map((b) => rows.find((r) => (b.kind === 'public' ? r.publicKeyHash : r.secretKeyHash) === b.hash));
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

export async function renameProject(db: Executor, id: string, name: string): Promise<ProjectRow | undefined> {
  const [row] = await db.update(projects).set({ name, updatedAt: sql`now()` }).where(eq(projects.id, id)).returning();
  return row;
}

/**
 * Every tenant table cascades from `projects`. The request log has no foreign key (see its schema): its
 * rows go after the project, so a request-log flush racing the deletion has either committed before
 * (its rows are seen and deleted here) or finds the project gone and skips them (request-log.queries.ts).
 */
export async function deleteProject(db: Executor, id: string): Promise<boolean> {
  const rows = await db.delete(projects).where(eq(projects.id, id)).returning({ id: projects.id });
  await db.delete(apiRequests).where(eq(apiRequests.projectId, id));
  return rows.length > 0;
}

export async function countProjects(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(projects).where(eq(projects.isSystem, false));
  return row.n;
}

export async function listProjects(db: Executor): Promise<ProjectRow[]> {
  return db.select().from(projects).where(eq(projects.isSystem, false)).orderBy(projects.createdAt);
}

export async function findSystemProject(db: Executor): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(projects).where(eq(projects.isSystem, true)).orderBy(projects.createdAt).limit(1);
  return row;
}

/**
 * The instance's system project, created on first use. Nothing in the schema makes it unique, so
 * concurrent creators queue on an advisory lock and the later ones find the first one's row.
 */
export async function findOrInsertSystemProject(db: Executor, input: { name: string; keys: StoredKeyPair }): Promise<ProjectRow> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('mailwright:system-project'))`);
  const found = await findSystemProject(db);
  if (found) return found;
  const row = await insertProject(db, input);
  const [system] = await db.update(projects).set({ isSystem: true }).where(eq(projects.id, row.id)).returning();
  return system;
}
