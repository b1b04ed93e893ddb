import type { Executor } from '../../db/client.js';
import { activities } from '../../db/schema/index.js';

export type NewActivity = typeof activities.$inferInsert;

export async function insertActivities(db: Executor, rows: NewActivity[]): Promise<void> {
  if (rows.length) await db.insert(activities).values(rows);
}
