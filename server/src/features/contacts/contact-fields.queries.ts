import { count, eq } from 'drizzle-orm';
import { queryRows, sql, type Executor } from '../../db/client.js';
import { contacts } from '../../db/schema/index.js';

// Custom contact fields are the top-level keys of `contacts.data`.

export interface CustomFieldStats {
  field: string;
  /** Contacts that have the key. */
  contacts: number;
  strings: number;
  dates: number;
  numbers: number;
  booleans: number;
  objects: number;
  arrays: number;
}

// ISO-8601 dates and date-times (what JSON.stringify(new Date()) and most CSV exports produce).
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?)?$';

export async function countProjectContacts(db: Executor, projectId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(contacts).where(eq(contacts.projectId, projectId));
  return Number(row?.n ?? 0);
}

export async function customFieldStats(db: Executor, projectId: string): Promise<CustomFieldStats[]> {
  return queryRows<CustomFieldStats>(
    db,
    sql`select e.key as field,
          count(*)::int as contacts,
          count(*) filter (where jsonb_typeof(e.value) = 'string')::int as strings,
          count(*) filter (where jsonb_typeof(e.value) = 'string' and (e.value #>> '{}') ~ ${DATE_PATTERN})::int as dates,
          count(*) filter (where jsonb_typeof(e.value) = 'number')::int as numbers,
          count(*) filter (where jsonb_typeof(e.value) = 'boolean')::int as booleans,
          count(*) filter (where jsonb_typeof(e.value) = 'object')::int as objects,
          count(*) filter (where jsonb_typeof(e.value) = 'array')::int as arrays
        from contacts c cross join lateral jsonb_each(c.data) e
        where c.project_id = ${projectId} and jsonb_typeof(c.data) = 'object'
        group by e.key
        order by e.key`,
  );
}

/** Distinct values of one custom key, in jsonb order. */
export async function customFieldValues(db: Executor, projectId: string, field: string, limit: number): Promise<unknown[]> {
  const rows = await queryRows<{ value: unknown }>(
    db,
    sql`select distinct c.data -> ${field} as value from contacts c
        where c.project_id = ${projectId} and (c.data -> ${field}) is not null
        order by 1 limit ${limit}`,
  );
  return rows.map((r) => r.value);
}

export type StandardField = 'email' | 'subscribed' | 'createdAt' | 'updatedAt';

const STANDARD_VALUE_SQL: Record<StandardField, string> = {
  email: 'email',
  subscribed: 'subscribed',
  createdAt: `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  updatedAt: `to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

export async function standardFieldValues(db: Executor, projectId: string, field: StandardField, limit: number): Promise<unknown[]> {
  const rows = await queryRows<{ value: unknown }>(
    db,
    sql`select distinct ${sql.raw(STANDARD_VALUE_SQL[field])} as value from contacts
        where project_id = ${projectId} order by 1 limit ${limit}`,
  );
  return rows.map((r) => r.value);
}

/**
 * Removes one key from up to `batchSize` contacts; returns how many changed. Callers loop until 0 so
 * no single statement holds a large project's rows (PGlite runs one statement at a time).
 */
export async function stripCustomFieldBatch(db: Executor, projectId: string, field: string, batchSize: number): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update contacts set data = nullif(data - ${field}::text, '{}'::jsonb), updated_at = now()
        where id in (select id from contacts where project_id = ${projectId} and (data -> ${field}) is not null limit ${batchSize})
        returning id`,
  );
  return rows.length;
}
