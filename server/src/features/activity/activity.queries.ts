import { and, desc, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { TimePosition } from '../../core/signed-cursor.js';
import { queryPrepared, queryRows, type Executor } from '../../db/client.js';
import { activities, users, type ActorType } from '../../db/schema/index.js';

export interface NewActivity {
  projectId: string;
  type: string;
  actorType: ActorType;
  actorId: string | null;
  summary: string;
  requestId: string | null;
  ip: string | null;
  metadata: Record<string, unknown> | null;
}

/**
 * The insert, reading its rows from the jsonb parameter `param` (`$1`, `$2`…): one parameter whatever
 * the number of rows (the send and track paths write dozens at once), to run alone or inside a bigger
 * statement.
 */
export const activitiesInsertText = (param: string) =>
  `insert into activities (project_id, type, actor_type, actor_id, summary, request_id, ip, metadata)
    select "projectId", type, "actorType", "actorId", summary, "requestId", ip, metadata
    from jsonb_to_recordset(${param}::jsonb) as x("projectId" uuid, type text, "actorType" text, "actorId" text,
      summary text, "requestId" text, ip text, metadata jsonb)`;
const INSERT_ACTIVITIES = activitiesInsertText('$1');

export async function insertActivities(db: Executor, rows: NewActivity[]): Promise<void> {
  if (!rows.length) return;
  await queryPrepared(db, 'mailwright_activities_insert_v1', INSERT_ACTIVITIES, [JSON.stringify(rows)]);
}

export interface ActivityFilter {
  projectId: string;
  types?: { exact: string[]; prefixes: string[] };
  actorType?: ActorType;
  actorId?: string;
  requestId?: string;
  from?: Date;
  to?: Date;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const UUID_RE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** Microsecond text of created_at: a Date would drop the microseconds and break keyset paging. */
const CREATED_KEY = sql<string>`to_char(${activities.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function conditions(f: ActivityFilter): SQL[] {
  // Every listing starts with project_id so it runs on activities_project_created_idx
  // (or activities_project_request_idx when filtering by request id).
  const conds: SQL[] = [eq(activities.projectId, f.projectId)];
  if (f.types) {
    const anyOf: SQL[] = f.types.prefixes.map((p) => sql`${activities.type} like ${escapeLike(p) + '%'} escape '\\'`);
    if (f.types.exact.length) anyOf.push(inArray(activities.type, f.types.exact));
    conds.push(or(...anyOf)!);
  }
  if (f.actorType) conds.push(eq(activities.actorType, f.actorType));
  if (f.actorId) conds.push(eq(activities.actorId, f.actorId));
  if (f.requestId) conds.push(eq(activities.requestId, f.requestId));
  if (f.from) conds.push(gte(activities.createdAt, f.from));
  if (f.to) conds.push(lte(activities.createdAt, f.to));
  return conds;
}

export interface ActivityListRow {
  id: string;
  type: string;
  actorType: ActorType;
  actorId: string | null;
  actorEmail: string | null;
  summary: string;
  requestId: string | null;
  ip: string | null;
  metadata: Record<string, unknown> | null;
  sortKey: string;
}

/** Newest first, ties on created_at broken by id; `limit + 1` rows so the caller knows if more follow. */
export async function listActivityRows(db: Executor, f: ActivityFilter, limit: number, after?: TimePosition): Promise<ActivityListRow[]> {
  const conds = conditions(f);
  if (after) {
    // The plain bound lets the index range scan start at the cursor; the row comparison settles ties.
    conds.push(sql`${activities.createdAt} <= ${after.at}::timestamptz`);
    conds.push(sql`(${activities.createdAt}, ${activities.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select({
      id: activities.id,
      type: activities.type,
      actorType: activities.actorType,
      actorId: activities.actorId,
      actorEmail: users.email,
      summary: activities.summary,
      requestId: activities.requestId,
      ip: activities.ip,
      metadata: activities.metadata,
      sortKey: CREATED_KEY,
    })
    .from(activities)
    // actor_id is text (keys and the CLI have no uuid); only user actors name a users row. Casting the
    // activity side (guarded) keeps the lookup on users_pkey instead of comparing every user as text.
    .leftJoin(users, sql`${users.id} = case when ${activities.actorType} = 'user' and ${activities.actorId} ~* ${UUID_RE} then ${activities.actorId}::uuid end`)
    .where(and(...conds))
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .limit(limit + 1);
}

/** Counts per type and UTC day inside [from, to], in one pass over the project's index range. */
export async function countActivitiesByTypeAndDay(db: Executor, projectId: string, from: Date, to: Date) {
  return queryRows<{ type: string; day: string; count: number | string }>(
    db,
    sql`select ${activities.type} as type, to_char(${activities.createdAt} at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as count
        from ${activities}
        where ${activities.projectId} = ${projectId} and ${activities.createdAt} >= ${from.toISOString()}::timestamptz
          and ${activities.createdAt} <= ${to.toISOString()}::timestamptz
        group by 1, 2`,
  );
}

/**
 * Distinct types by skipping through activities_project_type_idx (one index probe per type), so the
 * cost follows the number of types, not the number of rows a busy project has.
 */
export async function listActivityTypes(db: Executor, projectId: string, max: number): Promise<string[]> {
  const rows = await queryRows<{ type: string }>(
    db,
    sql`with recursive t(type) as (
          (select type from activities where project_id = ${projectId} order by type limit 1)
          union all
          select (select a.type from activities a where a.project_id = ${projectId} and a.type > t.type order by a.type limit 1)
          from t where t.type is not null
        )
        select type from t where type is not null limit ${max}`,
  );
  return rows.map((r) => r.type);
}
