import type { Executor } from '../../db/client.js';
import { events, type EventRow } from '../../db/schema/index.js';

export type NewEvent = typeof events.$inferInsert;

export async function insertEvents(db: Executor, rows: NewEvent[]): Promise<EventRow[]> {
  if (!rows.length) return [];
  return db.insert(events).values(rows).returning();
}
