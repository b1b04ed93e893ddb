import { and, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { segmentMemberships, type ContactRow } from '../../db/schema/index.js';
import { toContactRow } from './segments.queries.js';

// segment_memberships: STATIC members, and the last computed members of tracked DYNAMIC segments.
// A member that leaves keeps its row with `exited_at`; coming back reopens that row.

const sm = segmentMemberships;

export async function countActiveMembers(db: Executor, segmentId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sm).where(and(eq(sm.segmentId, segmentId), isNull(sm.exitedAt)));
  return Number(row?.n ?? 0);
}

/** Current members, most recently entered first. */
export async function listActiveMembers(db: Executor, projectId: string, segmentId: string, page: { limit: number; offset: number }): Promise<ContactRow[]> {
  const rows = await queryRows<Parameters<typeof toContactRow>[0]>(
    db,
    sql`select c.id, c.project_id, c.email, c.data, c.subscribed, c.snoozed_until, c.created_at, c.updated_at
        from segment_memberships sm join contacts c on c.id = sm.contact_id
        where sm.segment_id = ${segmentId} and sm.exited_at is null and c.project_id = ${projectId}
        order by sm.entered_at desc, c.id desc limit ${page.limit} offset ${page.offset}`,
  );
  return rows.map(toContactRow);
}

/** Adds or reopens memberships; answers with the contacts that were not members before. */
export async function openMemberships(db: Executor, m: { segmentId: string; projectId: string; contactIds: string[]; at: Date }): Promise<string[]> {
  if (!m.contactIds.length) return [];
  const rows = await db
    .insert(sm)
    .values(m.contactIds.map((contactId) => ({ segmentId: m.segmentId, contactId, projectId: m.projectId, enteredAt: m.at })))
    .onConflictDoUpdate({
      target: [sm.segmentId, sm.contactId],
      set: { enteredAt: sql`excluded.entered_at`, exitedAt: null },
      setWhere: sql`${sm.exitedAt} is not null`,
    })
    .returning({ contactId: sm.contactId });
  return rows.map((r) => r.contactId);
}

/** Closes the active memberships of these contacts; answers with the ones that were members. */
export async function closeMemberships(db: Executor, segmentId: string, contactIds: string[], at: Date): Promise<string[]> {
  if (!contactIds.length) return [];
  const rows = await db
    .update(sm)
    .set({ exitedAt: at })
    .where(and(eq(sm.segmentId, segmentId), isNull(sm.exitedAt), inArray(sm.contactId, contactIds)))
    .returning({ contactId: sm.contactId });
  return rows.map((r) => r.contactId);
}

/**
 * Compute, step 1: every contact matching `where` (compiled over `contacts c`) becomes a member.
 * Answers with the contacts that entered (new rows and reopened ones); current members are untouched.
 */
export async function enterMatching(db: Executor, m: { segmentId: string; projectId: string; where: SQL; at: Date }): Promise<string[]> {
  const rows = await queryRows<{ contact_id: string }>(
    db,
    sql`insert into segment_memberships as sm (segment_id, contact_id, project_id, entered_at, exited_at)
        select ${m.segmentId}::uuid, c.id, ${m.projectId}::uuid, ${m.at.toISOString()}::timestamptz, null from contacts c where ${m.where}
        on conflict (segment_id, contact_id) do update set entered_at = excluded.entered_at, exited_at = null
          where sm.exited_at is not null
        returning sm.contact_id`,
  );
  return rows.map((r) => r.contact_id);
}

/** Compute, step 2: active members that no longer match `where` exit. Answers with them. */
export async function exitNonMatching(db: Executor, m: { segmentId: string; where: SQL; at: Date }): Promise<string[]> {
  const rows = await queryRows<{ contact_id: string }>(
    db,
    sql`update segment_memberships as sm_exit set exited_at = ${m.at.toISOString()}::timestamptz
        where sm_exit.segment_id = ${m.segmentId} and sm_exit.exited_at is null
          and not exists (select 1 from contacts c where c.id = sm_exit.contact_id and ${m.where})
        returning sm_exit.contact_id`,
  );
  return rows.map((r) => r.contact_id);
}
