import { and, asc, count, desc, eq, getTableColumns, inArray, type SQL } from 'drizzle-orm';
import { isUniqueViolation } from '../../core/db-errors.js';
import { queryPrepared, queryRows, sql, type Executor, type Tx } from '../../db/client.js';
import { CONTACTS_UPSERT_CTES, UPSERT_INPUT_COLUMNS, upsertInputRow, type ContactUpsertParams } from '../../db/contact-upsert.js';
import { contacts, type ContactRow } from '../../db/schema/index.js';

export interface UpsertedContact {
  contact: ContactRow;
  created: boolean;
  previous: { subscribed: boolean; data: Record<string, unknown> | null } | null;
}

interface UpsertRow {
  id: string;
  project_id: string;
  email: string;
  data: Record<string, unknown> | null;
  subscribed: boolean;
  snoozed_until: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  created: boolean;
  prev_subscribed: boolean | null;
  prev_data: Record<string, unknown> | null;
  had_prev: boolean;
}

const UPSERT_ROWS_SQL = `with i as (select * from jsonb_to_recordset($1::jsonb) as x(${UPSERT_INPUT_COLUMNS})), ${CONTACTS_UPSERT_CTES}
  select i.n, up.*, prev.subscribed as prev_subscribed, prev.data as prev_data, prev.id is not null as had_prev
  from up join i on i.pid = up.project_id and i.email = up.email left join prev on prev.id = up.id`;

/**
 * Create-or-merge of many contacts in one statement, results in input order; each reports its state
 * before, so callers can see what changed. Each (project, email) may appear once: a statement cannot
 * upsert the same row twice.
 */
export async function upsertContactRows(db: Executor, list: ContactUpsertParams[]): Promise<UpsertedContact[]> {
  if (!list.length) return [];
  const rows = await queryPrepared<UpsertRow & { n: number }>(db, 'mailwright_contact_upsert_v1', UPSERT_ROWS_SQL, [
    JSON.stringify(list.map((p, n) => upsertInputRow(p, n))),
  ]);
  const byN = new Map(rows.map((r) => [r.n, r]));
  return list.map((_, n) => {
    const row = byN.get(n);
    if (!row) throw new Error('contact upsert returned no row for an input');
    return toUpserted(row);
  });
}

function toUpserted(row: UpsertRow): UpsertedContact {
  return {
    contact: {
      id: row.id,
      projectId: row.project_id,
      email: row.email,
      data: row.data,
      subscribed: row.subscribed,
      snoozedUntil: row.snoozed_until ? new Date(row.snoozed_until) : null,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
    created: row.created,
    previous: row.had_prev ? { subscribed: row.prev_subscribed!, data: row.prev_data } : null,
  };
}

// ── Reads and writes behind the /contacts routes ────────────────────────────────────────────────

export type ContactSort = 'email' | 'createdAt';
export type SortDir = 'asc' | 'desc';

export interface ContactFilter {
  projectId: string;
  /** Case-insensitive substring of the email. */
  search?: string;
  subscribed?: boolean;
}

export interface ContactPageQuery extends ContactFilter {
  sort: ContactSort;
  dir: SortDir;
  limit: number;
  /** Keyset position: rows strictly after (sort value, id) in the requested order. */
  after?: { value: string; id: string };
}

/** A contact with its sort key as text (timestamps keep their microseconds, which a JS Date would drop). */
export type ContactWithKey = ContactRow & { sortKey: string };

const CREATED_KEY = sql<string>`to_char(${contacts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function filterConditions(f: ContactFilter): SQL[] {
  const conds: SQL[] = [eq(contacts.projectId, f.projectId)];
  if (f.search) conds.push(sql`${contacts.email} ilike ${'%' + escapeLike(f.search) + '%'} escape '\\'`);
  if (f.subscribed !== undefined) conds.push(eq(contacts.subscribed, f.subscribed));
  return conds;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** One page in `[sort dir, id dir]` order; fetches `limit + 1` rows so the caller can tell whether more exist. */
export async function listContactRows(db: Executor, q: ContactPageQuery): Promise<ContactWithKey[]> {
  const col = q.sort === 'email' ? contacts.email : contacts.createdAt;
  const key = q.sort === 'email' ? sql<string>`${contacts.email}` : CREATED_KEY;
  const conds = filterConditions(q);
  if (q.after) {
    const value = q.sort === 'email' ? sql`${q.after.value}::text` : sql`${q.after.value}::timestamptz`;
    // A row comparison matches ORDER BY (col, id) in one direction, ties on col included.
    conds.push(q.dir === 'asc' ? sql`(${col}, ${contacts.id}) > (${value}, ${q.after.id}::uuid)` : sql`(${col}, ${contacts.id}) < (${value}, ${q.after.id}::uuid)`);
  }
  const order = q.dir === 'asc' ? [asc(col), asc(contacts.id)] : [desc(col), desc(contacts.id)];
  return db
    .select({ ...getTableColumns(contacts), sortKey: key })
    .from(contacts)
    .where(and(...conds))
    .orderBy(...order)
    .limit(q.limit + 1);
}

export async function countContacts(db: Executor, f: ContactFilter): Promise<number> {
  // Without a search the trigger-maintained counts answer in O(1) instead of counting every row.
  if (!f.search) {
    const [c] = await queryRows<{ total: string | number; subscribed: string | number }>(
      db,
      sql`select coalesce(sum(total), 0) as total, coalesce(sum(subscribed), 0) as subscribed
          from contact_count_deltas where project_id = ${f.projectId}`,
    );
    const total = Number(c.total);
    const subscribed = Number(c.subscribed);
    return f.subscribed === undefined ? total : f.subscribed ? subscribed : total - subscribed;
  }
  const [row] = await db.select({ n: count() }).from(contacts).where(and(...filterConditions(f)));
  return Number(row?.n ?? 0);
}

/** Folds the count deltas into one row per project (run periodically; concurrent writers are unaffected). */
export async function mergeContactCountDeltas(db: Executor): Promise<void> {
  await db.execute(sql`
    with moved as (delete from contact_count_deltas returning project_id, total, subscribed)
    insert into contact_count_deltas (project_id, total, subscribed)
    select m.project_id, sum(m.total), sum(m.subscribed) from moved m
    where exists (select 1 from projects p where p.id = m.project_id)
    group by m.project_id`);
}

export async function findContactById(db: Executor, projectId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.projectId, projectId), eq(contacts.id, id)));
  return row;
}

/** Reads and locks a contact for the rest of the transaction (PATCH reads, merges, then writes). */
/** Contacts of the project among `ids` (missing ids are left out). */
export async function findContactsByIds(db: Executor, projectId: string, ids: string[]): Promise<ContactRow[]> {
  if (!ids.length) return [];
  return db.select().from(contacts).where(and(eq(contacts.projectId, projectId), inArray(contacts.id, ids)));
}

export async function lockContactById(tx: Tx, projectId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await tx.select().from(contacts).where(and(eq(contacts.projectId, projectId), eq(contacts.id, id))).for('update');
  return row;
}

export async function findContactsByEmails(db: Executor, projectId: string, emails: string[]): Promise<ContactRow[]> {
  if (!emails.length) return [];
  return db.select().from(contacts).where(and(eq(contacts.projectId, projectId), inArray(contacts.email, emails)));
}

export type ContactChanges = Pick<ContactRow, 'email' | 'data' | 'subscribed'>;

/**
 * Writes new values; `'email_taken'` when another contact of the project already has the email.
 * The unique index decides (no read-then-write race); on PostgreSQL the failed statement aborts the
 * transaction, so the caller must end it (throwing rolls it back).
 */
export async function updateContactRow(tx: Tx, projectId: string, id: string, changes: ContactChanges): Promise<ContactRow | 'email_taken' | undefined> {
  try {
    const [row] = await tx
      .update(contacts)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(contacts.projectId, projectId), eq(contacts.id, id)))
      .returning();
    return row;
  } catch (err) {
    if (isUniqueViolation(err, 'contacts_project_email_key')) return 'email_taken';
    throw err;
  }
}

export async function deleteContactRow(db: Executor, projectId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.delete(contacts).where(and(eq(contacts.projectId, projectId), eq(contacts.id, id))).returning();
  return row;
}
