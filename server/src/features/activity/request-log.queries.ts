import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { TimePosition } from '../../core/signed-cursor.js';
import { queryRows, type Database, type Executor } from '../../db/client.js';
import { apiRequests } from '../../db/schema/index.js';

export interface ApiRequestInsert {
  requestId: string;
  projectId: string | null;
  userId: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  authType: string | null;
  ip: string | null;
  userAgent: string | null;
  errorCode: string | null;
  createdAt: string;
}

// One statement (and one parameter) per batch, whatever its size: prepared once per connection on
// PostgreSQL, so a flush of 500 rows costs one round trip and no per-row SQL building. Rows of a project
// that no longer exists are skipped, checked as a foreign key would be (KEY SHARE waits for a deletion
// in progress): a flush after, or racing, the project's deletion must not leave its rows behind.
const INSERT_BATCH_SQL = `insert into api_requests
    (request_id, project_id, user_id, method, path, status, duration_ms, auth_type, ip, user_agent, error_code, created_at)
  select "requestId", "projectId", "userId", method, path, status, "durationMs", "authType", ip, "userAgent", "errorCode", "createdAt"
  from jsonb_to_recordset($1::jsonb) as x("requestId" text, "projectId" uuid, "userId" uuid, method text, path text, status int,
    "durationMs" int, "authType" text, ip text, "userAgent" text, "errorCode" text, "createdAt" timestamptz)
  where x."projectId" is null or exists (select 1 from projects p where p.id = x."projectId" for key share)`;

export async function insertApiRequests(database: Database, rows: ApiRequestInsert[]): Promise<void> {
  if (rows.length) await database.runPrepared('mailwright_request_log_insert_v2', INSERT_BATCH_SQL, [JSON.stringify(rows)]);
}

export interface ApiRequestFilter {
  projectId: string;
  status?: { min: number; max: number };
  method?: string;
  from?: Date;
  to?: Date;
}

const CREATED_KEY = sql<string>`to_char(${apiRequests.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first on api_requests_project_created_idx; `limit + 1` rows so the caller knows if more follow. */
export async function listApiRequestRows(db: Executor, f: ApiRequestFilter, limit: number, after?: TimePosition) {
  const conds: SQL[] = [eq(apiRequests.projectId, f.projectId)];
  if (f.status) conds.push(f.status.min === f.status.max ? eq(apiRequests.status, f.status.min) : sql`${apiRequests.status} between ${f.status.min} and ${f.status.max}`);
  if (f.method) conds.push(eq(apiRequests.method, f.method));
  if (f.from) conds.push(gte(apiRequests.createdAt, f.from));
  if (f.to) conds.push(lte(apiRequests.createdAt, f.to));
  if (after) {
    conds.push(sql`${apiRequests.createdAt} <= ${after.at}::timestamptz`);
    conds.push(sql`(${apiRequests.createdAt}, ${apiRequests.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select({
      id: apiRequests.id,
      requestId: apiRequests.requestId,
      method: apiRequests.method,
      path: apiRequests.path,
      status: apiRequests.status,
      durationMs: apiRequests.durationMs,
      authType: apiRequests.authType,
      ip: apiRequests.ip,
      errorCode: apiRequests.errorCode,
      sortKey: CREATED_KEY,
    })
    .from(apiRequests)
    .where(and(...conds))
    .orderBy(desc(apiRequests.createdAt), desc(apiRequests.id))
    .limit(limit + 1);
}

/**
 * Deletes up to `batch` rows older than `before`: ids found on api_requests_created_idx, rows removed
 * through the primary key (an `in (subquery)` would hash-join against the whole table). Returns the count.
 */
export async function deleteApiRequestsBefore(db: Executor, before: Date, batch: number): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`with gone as (
          delete from api_requests where id = any(array(
            select id from api_requests where created_at < ${before.toISOString()}::timestamptz limit ${batch}
          )) returning 1
        ) select count(*)::int as n from gone`,
  );
  return Number(row?.n ?? 0);
}
