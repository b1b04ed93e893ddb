import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { TimePosition } from '../../core/signed-cursor.js';
import type { Executor } from '../../db/client.js';
import { suppressions, type SuppressionRow } from '../../db/schema/index.js';

export type NewSuppression = typeof suppressions.$inferInsert;

/** Adds the address unless it is already listed (the first reason and source are kept); the new row or undefined. */
export async function insertSuppression(db: Executor, row: NewSuppression): Promise<SuppressionRow | undefined> {
  const [inserted] = await db.insert(suppressions).values(row).onConflictDoNothing({ target: [suppressions.projectId, suppressions.email] }).returning();
  return inserted;
}

/** One multi-row statement (≤ 500 rows); the addresses that were new. */
export async function insertSuppressionBatch(db: Executor, rows: NewSuppression[]): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await db
    .insert(suppressions)
    .values(rows)
    .onConflictDoNothing({ target: [suppressions.projectId, suppressions.email] })
    .returning({ email: suppressions.email });
  return inserted.map((r) => r.email);
}

export async function findSuppressionRow(db: Executor, projectId: string, email: string): Promise<SuppressionRow | undefined> {
  const [row] = await db.select().from(suppressions).where(and(eq(suppressions.projectId, projectId), eq(suppressions.email, email)));
  return row;
}

export async function findSuppressionRows(db: Executor, projectId: string, emails: string[]): Promise<SuppressionRow[]> {
  if (!emails.length) return [];
  return db.select().from(suppressions).where(and(eq(suppressions.projectId, projectId), inArray(suppressions.email, emails)));
}

export async function deleteSuppressionRow(db: Executor, projectId: string, email: string): Promise<SuppressionRow | undefined> {
  const [row] = await db.delete(suppressions).where(and(eq(suppressions.projectId, projectId), eq(suppressions.email, email))).returning();
  return row;
}

const CREATED_KEY = sql<string>`to_char(${suppressions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Newest first on suppressions_project_created_idx, ties broken by id; `limit + 1` rows so the caller knows if more follow. */
export async function listSuppressionRows(db: Executor, f: { projectId: string; search?: string }, limit: number, after?: TimePosition) {
  const conds: SQL[] = [eq(suppressions.projectId, f.projectId)];
  if (f.search) conds.push(sql`${suppressions.email} like ${'%' + escapeLike(f.search) + '%'} escape '\\'`);
  if (after) {
    conds.push(sql`${suppressions.createdAt} <= ${after.at}::timestamptz`);
    conds.push(sql`(${suppressions.createdAt}, ${suppressions.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select({
      id: suppressions.id,
      email: suppressions.email,
      reason: suppressions.reason,
      source: suppressions.source,
      emailId: suppressions.emailId,
      details: suppressions.details,
      createdAt: suppressions.createdAt,
      sortKey: CREATED_KEY,
    })
    .from(suppressions)
    .where(and(...conds))
    .orderBy(desc(suppressions.createdAt), desc(suppressions.id))
    .limit(limit + 1);
}

/**
 * A condition over `contacts c` (the audience queries' alias): the contact's address is not on its
 * project's suppression list. Addresses are stored normalised, as contacts' are, so `=` uses the unique index.
 */
export function contactNotSuppressedSql(): SQL {
  return sql`not exists (select 1 from suppressions s where s.project_id = c.project_id and s.email = c.email)`;
}
