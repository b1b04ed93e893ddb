import { and, asc, count, eq, gt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { toDrizzleSql } from '../../db/named-sql.js';
import { contacts } from '../../db/schema/index.js';
import { uuidArrayLiteral } from '../../db/uuid-array.js';

export type BulkOperation = 'subscribe' | 'unsubscribe' | 'delete';

export interface BulkQueryFilter {
  projectId: string;
  search?: string;
  subscribed?: boolean;
  excludeIds: string[];
}

/** A Postgres array literal of uuids (validated upstream), bound as ONE parameter. */

function queryConditions(f: BulkQueryFilter): SQL[] {
  const conds: SQL[] = [eq(contacts.projectId, f.projectId)];
  if (f.search) conds.push(sql`${contacts.email} ilike ${'%' + f.search.replace(/[\\%_]/g, (c) => '\\' + c) + '%'} escape '\\'`);
  if (f.subscribed !== undefined) conds.push(eq(contacts.subscribed, f.subscribed));
  if (f.excludeIds.length) conds.push(sql`${contacts.id} <> all(${uuidArrayLiteral(f.excludeIds)}::uuid[])`);
  return conds;
}

export async function countBulkQuery(db: Executor, f: BulkQueryFilter): Promise<number> {
  const [row] = await db.select({ n: count() }).from(contacts).where(and(...queryConditions(f)));
  return Number(row?.n ?? 0);
}

/** The next page of matching contact ids in id order, strictly after `after`. */
export async function nextBulkQueryPage(db: Executor, f: BulkQueryFilter, after: string | null, limit: number): Promise<string[]> {
  const conds = queryConditions(f);
  if (after) conds.push(gt(contacts.id, after));
  const rows = await db.select({ id: contacts.id }).from(contacts).where(and(...conds)).orderBy(asc(contacts.id)).limit(limit);
  return rows.map((r) => r.id);
}

const FLIP_SQL = `
    ch as (
      update contacts c set subscribed = :subscribed, updated_at = now()
      from m where c.id = m.id and c.subscribed <> :subscribed
      returning c.id
    ),
    ev as (insert into events (project_id, contact_id, name) select :pid::uuid, ch.id, :event from ch returning 1),`;
const DELETE_SQL = `
    ch as (delete from contacts c using m where c.id = m.id returning c.id),`;

const batchSql = (op: BulkOperation) => `with
    m as (select c.id from contacts c where c.project_id = :pid and c.id = any(:ids::uuid[])),
    ${op === 'delete' ? DELETE_SQL : FLIP_SQL}
    job as (
      update background_jobs b set processed = b.processed + :advance, updated_at = now(),
        result = jsonb_build_object('cursor', :cursor::text,
          'success', coalesce((b.result->>'success')::int, 0) + (select count(*)::int from ch),
          'matched', coalesce((b.result->>'matched')::int, 0) + (select count(*)::int from m))
      where b.id = :jobId
      returning b.result
    )
    select result from job`;

export interface BulkBatch {
  jobId: string;
  projectId: string;
  operation: BulkOperation;
  /** Candidate ids; only this project's contacts among them are touched. */
  ids: string[];
  /** Units of progress this batch completes, and where the next batch starts. */
  advance: number;
  cursor: string;
}

/** One batch in ONE statement: apply the action, emit flip events, move the job's progress and cursor. */
export async function applyBulkBatch(db: Executor, b: BulkBatch): Promise<{ cursor: string; success: number; matched: number }> {
  const [row] = await queryRows<{ result: { cursor: string; success: number; matched: number } }>(
    db,
    toDrizzleSql(batchSql(b.operation), {
      pid: b.projectId,
      ids: uuidArrayLiteral(b.ids),
      advance: b.advance,
      cursor: b.cursor,
      jobId: b.jobId,
      ...(b.operation === 'delete' ? {} : { subscribed: b.operation === 'subscribe', event: `contact.${b.operation}d` }),
    }),
  );
  return row.result;
}
