import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema/index.js';

export async function findIdempotencyKey(db: Executor, projectId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.projectId, projectId), eq(idempotencyKeys.key, key)));
  return row;
}

export async function deleteIdempotencyKey(db: Executor, projectId: string, key: string) {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.projectId, projectId), eq(idempotencyKeys.key, key)));
}

/** Takes the key for this transaction; a concurrent holder makes this wait (or fail on the unique key). */
export async function claimIdempotencyKey(
  db: Executor,
  row: { projectId: string; key: string; method: string; path: string; requestHash: string; ttlSeconds: number },
) {
  await db.insert(idempotencyKeys).values({
    projectId: row.projectId,
    key: row.key,
    method: row.method,
    path: row.path,
    requestHash: row.requestHash,
    expiresAt: sql`now() + make_interval(secs => ${row.ttlSeconds})`,
  });
}

export async function completeIdempotencyKey(db: Executor, projectId: string, key: string, statusCode: number, body: unknown) {
  await db
    .update(idempotencyKeys)
    .set({ statusCode, responseBody: body })
    .where(and(eq(idempotencyKeys.projectId, projectId), eq(idempotencyKeys.key, key)));
}

export async function deleteExpiredIdempotencyKeys(db: Executor): Promise<number> {
  const rows = await db.delete(idempotencyKeys).where(sql`${idempotencyKeys.expiresAt} < now()`).returning({ key: idempotencyKeys.key });
  return rows.length;
}

export async function setLocalLockTimeout(db: Executor, ms: number) {
  await db.execute(sql.raw(`set local lock_timeout = ${Math.floor(ms)}`));
}
