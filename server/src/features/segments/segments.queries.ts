import { and, desc, eq, gt, inArray, isNotNull, like, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { segments, type ContactRow, type SegmentRow } from '../../db/schema/index.js';

// Segments rows, and the audience queries that run a compiled filter (filter-compiler.ts) over `contacts c`.
// Membership rows live in memberships.queries.ts.

export type NewSegment = typeof segments.$inferInsert;
export type SegmentChanges = Partial<Pick<NewSegment, 'name' | 'description' | 'condition' | 'trackMembership'>>;

/** Inserts unless the (project, slug) pair is taken: then `undefined`, and the caller tries the next slug. */
export async function insertSegmentIfSlugFree(db: Executor, row: NewSegment): Promise<SegmentRow | undefined> {
  const [segment] = await db.insert(segments).values(row).onConflictDoNothing({ target: [segments.projectId, segments.slug] }).returning();
  return segment;
}

/** Slugs of the project equal to `base` or `base-<n>`. */
export async function findSlugsLike(db: Executor, projectId: string, base: string): Promise<string[]> {
  const escaped = base.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const rows = await db
    .select({ slug: segments.slug })
    .from(segments)
    .where(and(eq(segments.projectId, projectId), or(eq(segments.slug, base), like(segments.slug, `${escaped}-%`))));
  return rows.map((r) => r.slug);
}

export async function findSegment(db: Executor, projectId: string, id: string): Promise<SegmentRow | undefined> {
  const [row] = await db.select().from(segments).where(and(eq(segments.projectId, projectId), eq(segments.id, id)));
  return row;
}

/** Locks the row so concurrent computes and member changes of one segment run one after the other. */
export async function lockSegment(db: Executor, projectId: string, id: string): Promise<SegmentRow | undefined> {
  const [row] = await db.select().from(segments).where(and(eq(segments.projectId, projectId), eq(segments.id, id))).for('update');
  return row;
}

export async function findSegmentsByIds(db: Executor, projectId: string, ids: string[]): Promise<SegmentRow[]> {
  if (!ids.length) return [];
  return db.select().from(segments).where(and(eq(segments.projectId, projectId), inArray(segments.id, ids)));
}

export async function listSegmentRows(db: Executor, projectId: string): Promise<SegmentRow[]> {
  return db.select().from(segments).where(eq(segments.projectId, projectId)).orderBy(desc(segments.createdAt), desc(segments.id));
}

/** The project's segments that have a condition (to find which ones reference a given segment). */
export async function listConditionedSegments(db: Executor, projectId: string): Promise<Pick<SegmentRow, 'id' | 'name' | 'condition'>[]> {
  return db
    .select({ id: segments.id, name: segments.name, condition: segments.condition })
    .from(segments)
    .where(and(eq(segments.projectId, projectId), isNotNull(segments.condition)));
}

/** Every segment of every project, in id order after `afterId` (the periodic refresh pages through them). */
export async function listSegmentsAfter(db: Executor, afterId: string | null, limit: number): Promise<SegmentRow[]> {
  return db
    .select()
    .from(segments)
    .where(afterId ? gt(segments.id, afterId) : undefined)
    .orderBy(segments.id)
    .limit(limit);
}

export async function updateSegmentRow(db: Executor, projectId: string, id: string, changes: SegmentChanges & { memberCount?: number; memberCountAt?: Date }) {
  const [row] = await db
    .update(segments)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(segments.projectId, projectId), eq(segments.id, id)))
    .returning();
  return row as SegmentRow | undefined;
}

/** Caches a member count without touching `updated_at` (a recount is not an edit). */
export async function setMemberCount(db: Executor, projectId: string, id: string, count: number, at: Date): Promise<SegmentRow | undefined> {
  const [row] = await db
    .update(segments)
    .set({ memberCount: count, memberCountAt: at })
    .where(and(eq(segments.projectId, projectId), eq(segments.id, id)))
    .returning();
  return row;
}

export async function deleteSegmentRow(db: Executor, projectId: string, id: string): Promise<SegmentRow | undefined> {
  const [row] = await db.delete(segments).where(and(eq(segments.projectId, projectId), eq(segments.id, id))).returning();
  return row;
}

/** Contacts matching a compiled audience (`where` from compileAudience, over `contacts c`). */
export async function countMatching(db: Executor, where: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from contacts c where ${where}`);
  return Number(row?.n ?? 0);
}

interface ContactSqlRow {
  id: string;
  project_id: string;
  email: string;
  data: Record<string, unknown> | null;
  subscribed: boolean;
  snoozed_until: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

export function toContactRow(r: ContactSqlRow): ContactRow {
  return {
    id: r.id,
    projectId: r.project_id,
    email: r.email,
    data: r.data,
    subscribed: r.subscribed,
    snoozedUntil: r.snoozed_until ? toDate(r.snoozed_until) : null,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

/** A page of matching contacts, newest first (the contacts (project_id, created_at, id) index). */
export async function listMatching(db: Executor, where: SQL, page: { limit: number; offset: number }): Promise<ContactRow[]> {
  const rows = await queryRows<ContactSqlRow>(
    db,
    sql`select c.id, c.project_id, c.email, c.data, c.subscribed, c.snoozed_until, c.created_at, c.updated_at
        from contacts c where ${where}
        order by c.created_at desc, c.id desc limit ${page.limit} offset ${page.offset}`,
  );
  return rows.map(toContactRow);
}

/** Matching contact ids in id order after `afterId`: keyset batches for callers that walk a whole audience. */
export async function listMatchingIdsAfter(db: Executor, where: SQL, afterId: string | null, limit: number): Promise<string[]> {
  const after = afterId ? sql`and c.id > ${afterId}` : sql``;
  const rows = await queryRows<{ id: string }>(db, sql`select c.id from contacts c where ${where} ${after} order by c.id limit ${limit}`);
  return rows.map((r) => r.id);
}
