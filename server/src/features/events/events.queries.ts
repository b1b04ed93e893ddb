import { and, count, countDistinct, desc, eq, gte, inArray, lt, max, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { contacts, events, type EventRow } from '../../db/schema/index.js';

export type NewEvent = typeof events.$inferInsert;

export async function insertEvents(db: Executor, rows: NewEvent[]): Promise<EventRow[]> {
  if (!rows.length) return [];
  return db.insert(events).values(rows).returning();
}

/** A place in the newest-first order; createdAt is UTC text with microseconds (a JS Date would lose them). */
export interface EventPosition {
  createdAt: string;
  id: string;
}

export interface EventFilter {
  projectId: string;
  /** Any of these names (an alias and its canonical spelling). */
  names?: string[];
  contactId?: string;
  before?: EventPosition;
  limit: number;
}

const positionText = sql<string>`to_char(${events.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first, ties broken by id, so keyset paging neither skips nor repeats rows. */
export async function listEvents(db: Executor, f: EventFilter) {
  const where: SQL[] = [eq(events.projectId, f.projectId)];
  if (f.names) where.push(inArray(events.name, f.names));
  if (f.contactId) where.push(eq(events.contactId, f.contactId));
  if (f.before) where.push(sql`(${events.createdAt}, ${events.id}) < (${f.before.createdAt}::timestamptz, ${f.before.id}::uuid)`);
  return db
    .select({
      id: events.id,
      name: events.name,
      data: events.data,
      contactId: events.contactId,
      emailId: events.emailId,
      createdAt: events.createdAt,
      position: positionText,
      contactEmail: contacts.email,
    })
    .from(events)
    .leftJoin(contacts, eq(contacts.id, events.contactId))
    .where(and(...where))
    .orderBy(desc(events.createdAt), desc(events.id))
    .limit(f.limit);
}

export async function countEventsByName(db: Executor, projectId: string, range: { from?: Date; to?: Date }) {
  const where: SQL[] = [eq(events.projectId, projectId)];
  if (range.from) where.push(gte(events.createdAt, range.from));
  if (range.to) where.push(lt(events.createdAt, range.to));
  return db
    .select({ name: events.name, count: count(), lastSeenAt: max(events.createdAt) })
    .from(events)
    .where(and(...where))
    .groupBy(events.name)
    .orderBy(desc(count()), events.name);
}

export async function summarizeEventName(db: Executor, projectId: string, names: string[]) {
  const [row] = await db
    .select({ totalCount: count(), uniqueContacts: countDistinct(events.contactId) })
    .from(events)
    .where(and(eq(events.projectId, projectId), inArray(events.name, names)));
  return row;
}

/** Deletes at most `batch` events per call, so a big delete never holds one long statement. */
export async function deleteEventsBatch(db: Executor, projectId: string, names: string[], batch: number): Promise<number> {
  const ids = db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.projectId, projectId), inArray(events.name, names)))
    .limit(batch);
  const deleted = await db.delete(events).where(inArray(events.id, ids)).returning({ id: events.id });
  return deleted.length;
}

/** The events feature's own view of a contact: does it exist in this project. */
export async function findProjectContact(db: Executor, projectId: string, contactId: string) {
  const [row] = await db
    .select({ id: contacts.id, email: contacts.email })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.projectId, projectId)))
    .limit(1);
  return row;
}
