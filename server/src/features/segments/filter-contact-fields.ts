import { sql, type SQL } from 'drizzle-orm';
import { amountOf, dateOf, type Filter, type TimeUnit } from './filter-schema.js';

// Filters on the contact's own columns: email, subscribed, createdAt/updatedAt. Every value is a bound
// parameter; the only SQL text chosen here comes from fixed tables, never from the request.

const UNIT_MS: Record<TimeUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const DAY_MS = UNIT_MS.days;

/** `now` minus `value` units: the start of a `within` window. */
export function windowStart(now: Date, f: Pick<Filter, 'value' | 'unit'>): Date {
  return new Date(now.getTime() - amountOf(f.value)! * UNIT_MS[f.unit!]);
}

/** A timestamptz parameter (ISO text and a cast: the same on node-postgres and PGlite). */
export const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** LIKE pattern that matches `text` anywhere, its wildcards escaped (matched with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** `YYYY-MM-DD…` values compare the whole UTC day they name. */
export function wholeDayOf(value: unknown): { start: Date; end: Date; day: string } | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return null;
  const day = value.trim().slice(0, 10);
  const start = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime())) return null;
  return { start, end: new Date(start.getTime() + DAY_MS), day };
}

export function compileEmailFilter(f: Filter): SQL {
  // Emails are stored trimmed and lowercased (contacts service and a trigger), so lowering the value suffices.
  const value = String(f.value).trim().toLowerCase();
  switch (f.operator) {
    case 'equals':
      return sql`c.email = ${value}`;
    case 'notEquals':
      return sql`c.email <> ${value}`;
    case 'contains':
      return sql`c.email ilike ${containsPattern(value)} escape '\\'`;
    case 'notContains':
      return sql`c.email not ilike ${containsPattern(value)} escape '\\'`;
  }
  throw new Error(`unexpected email operator ${f.operator}`);
}

export function compileSubscribedFilter(f: Filter): SQL {
  const wanted = f.value === true || f.value === 'true';
  return f.operator === 'equals' ? sql`c.subscribed = ${wanted}` : sql`c.subscribed <> ${wanted}`;
}

export function compileDateFilter(f: Filter, now: Date): SQL {
  const column = f.field === 'createdAt' ? sql`c.created_at` : sql`c.updated_at`;
  if (f.operator === 'within') return sql`${column} >= ${at(windowStart(now, f))}`;
  if (f.operator === 'olderThan') return sql`${column} < ${at(windowStart(now, f))}`;
  const day = wholeDayOf(f.value);
  const instant = dateOf(f.value)!;
  switch (f.operator) {
    case 'equals':
      return day ? sql`(${column} >= ${at(day.start)} and ${column} < ${at(day.end)})` : sql`${column} = ${at(instant)}`;
    case 'notEquals':
      return day ? sql`(${column} < ${at(day.start)} or ${column} >= ${at(day.end)})` : sql`${column} <> ${at(instant)}`;
    case 'greaterThan':
      return sql`${column} > ${at(instant)}`;
    case 'lessThan':
      return sql`${column} < ${at(instant)}`;
    case 'greaterThanOrEqual':
      return sql`${column} >= ${at(instant)}`;
    case 'lessThanOrEqual':
      return sql`${column} <= ${at(instant)}`;
  }
  throw new Error(`unexpected date operator ${f.operator}`);
}
