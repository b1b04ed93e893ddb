import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { billingLimits, billingNotices, type BillingCategory, type BillingLimitRow } from '../../db/schema/index.js';

// Billing SQL. Usage is read from `emails` (the truth: status not FAILED/SUPPRESSED, by created_at);
// `usage_counters` only serves limit enforcement and is reconciled from those rows. Reading `emails`
// and `campaigns` here is deliberate: a counter is only exact if it is computed in one statement.

/** The current month by the database clock, which also stamps `emails.created_at`. */
const PERIOD = sql`(date_trunc('month', now() at time zone 'UTC'))::date`;
const PERIOD_START = sql`(date_trunc('month', now() at time zone 'UTC') at time zone 'UTC')`;

const limitColumn = (category: BillingCategory) => billingLimits[category];

export async function findLimits(db: Executor, projectId: string): Promise<BillingLimitRow | undefined> {
  const [row] = await db.select().from(billingLimits).where(eq(billingLimits.projectId, projectId));
  return row;
}

export type LimitValues = Partial<Record<BillingCategory, number | null>>;

export async function upsertLimits(db: Executor, projectId: string, values: LimitValues): Promise<BillingLimitRow> {
  const [row] = await db
    .insert(billingLimits)
    .values({ projectId, ...values })
    .onConflictDoUpdate({ target: billingLimits.projectId, set: { ...values, updatedAt: sql`now()` } })
    .returning();
  return row;
}

/** Projects with at least one limit: the ones whose counters the periodic job reconciles. */
export async function listLimitedProjects(db: Executor): Promise<BillingLimitRow[]> {
  return db
    .select()
    .from(billingLimits)
    .where(sql`coalesce(${billingLimits.transactional}, ${billingLimits.campaign}, ${billingLimits.workflow}, ${billingLimits.inbound}) is not null`);
}

export interface UsageRow {
  day: string;
  sourceType: string;
  units: number;
}

/** Billable units per UTC day and source type in [start, end). */
export async function usageByDay(db: Executor, projectId: string, start: Date, end: Date): Promise<UsageRow[]> {
  return queryRows<UsageRow>(
    db,
    sql`select to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, source_type as "sourceType",
          coalesce(sum(billable_units), 0)::int as units
        from emails
        where project_id = ${projectId} and created_at >= ${start.toISOString()}::timestamptz and created_at < ${end.toISOString()}::timestamptz
          and status not in ('FAILED', 'SUPPRESSED')
        group by 1, 2`,
  );
}

export interface Reservation {
  /** The category's limit; null = unlimited (nothing was counted). */
  limit: number | null;
  /** Units after this reservation, or null when it would exceed the limit (nothing was counted). */
  units: number | null;
}

/**
 * Counts `n` units against this month's limit in ONE statement: no limit → nothing happens; otherwise
 * an upsert that only applies while the result stays within the limit. The counter row lock is held
 * until the caller's transaction ends, so concurrent senders queue on it and never overshoot.
 */
export async function reserveUnits(db: Executor, projectId: string, category: BillingCategory, n: number): Promise<Reservation> {
  const [row] = await queryRows<{ limit: number | null; units: number | null }>(
    db,
    sql`with lim as (select ${limitColumn(category)} as l from billing_limits where project_id = ${projectId}),
      up as (
        insert into usage_counters (project_id, category, period, units)
        select ${projectId}::uuid, ${category}::text, ${PERIOD}, ${n}::int from lim where lim.l is not null and ${n}::int <= lim.l
        on conflict (project_id, category, period) do update set units = usage_counters.units + excluded.units
          where usage_counters.units + excluded.units <= (select l from lim)
        returning units
      )
    select (select l from lim) as "limit", (select units from up) as units`,
  );
  return { limit: row?.limit ?? null, units: row?.units ?? null };
}

/**
 * This month's counter, read in a statement of its own: after a refused reservation (which waited for
 * the row lock) it sees what the senders before us committed, for the refusal message.
 */
export async function currentUnits(db: Executor, projectId: string, category: BillingCategory): Promise<number> {
  const [row] = await queryRows<{ units: number }>(
    db,
    sql`select units from usage_counters where project_id = ${projectId} and category = ${category} and period = ${PERIOD}`,
  );
  return row?.units ?? 0;
}

/**
 * Sets this month's counter to what the email rows say (FAILED and SUPPRESSED free their units), plus,
 * for campaigns, the recipients of admitted campaigns that the fan-out has not written yet. The counter
 * row is locked first, so senders that counted before us have committed by the time the rows are read.
 */
export async function reconcileCounter(db: Executor, projectId: string, category: BillingCategory, sourceType: string | undefined): Promise<number> {
  await db.execute(sql`insert into usage_counters (project_id, category, period, units) values (${projectId}, ${category}, ${PERIOD}, 0) on conflict do nothing`);
  await db.execute(sql`select units from usage_counters where project_id = ${projectId} and category = ${category} and period = ${PERIOD} for update`);
  const fromRows = sourceType
    ? sql`(select coalesce(sum(billable_units), 0) from emails where project_id = ${projectId} and source_type = ${sourceType}
          and created_at >= ${PERIOD_START} and status not in ('FAILED', 'SUPPRESSED'))`
    : sql`0`;
  const reserved =
    category === 'campaign'
      ? sql`(select coalesce(sum(greatest(c.total_recipients - (select count(*) from emails e where e.campaign_id = c.id), 0)), 0)
            from campaigns c where c.project_id = ${projectId} and c.status = 'SENDING' and not c.fanout_done)`
      : sql`0`;
  const [row] = await queryRows<{ units: number }>(
    db,
    sql`update usage_counters set units = (${fromRows} + ${reserved})::int, reconciled_at = now()
        where project_id = ${projectId} and category = ${category} and period = ${PERIOD} returning units`,
  );
  return row?.units ?? 0;
}

/** One notice per project, category, month and level: true when this call wrote it. */
export async function insertNotice(db: Executor, projectId: string, category: BillingCategory, level: 'warning' | 'limit'): Promise<boolean> {
  const rows = await queryRows<{ level: string }>(
    db,
    sql`insert into billing_notices (project_id, category, period, level) values (${projectId}, ${category}, ${PERIOD}, ${level})
        on conflict do nothing returning level`,
  );
  return rows.length > 0;
}

/** A changed limit starts its notices afresh this month. */
export async function deleteNotices(db: Executor, projectId: string, categories: BillingCategory[]): Promise<void> {
  if (!categories.length) return;
  await db
    .delete(billingNotices)
    .where(and(eq(billingNotices.projectId, projectId), sql`${billingNotices.category} in (${sql.join(categories.map((c) => sql`${c}`), sql`, `)})`, sql`${billingNotices.period} = ${PERIOD}`));
}
