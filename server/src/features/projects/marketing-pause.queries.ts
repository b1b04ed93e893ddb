import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { projects, type ProjectRow } from '../../db/schema/index.js';

/** Pauses marketing unless it is paused already; the row when this call paused it. */
export async function setMarketingPaused(db: Executor, projectId: string, at: Date, reason: string): Promise<ProjectRow | undefined> {
  const [row] = await db
    .update(projects)
    .set({ marketingPausedAt: at, marketingPausedReason: reason, updatedAt: sql`now()` })
    .where(and(eq(projects.id, projectId), isNull(projects.marketingPausedAt)))
    .returning();
  return row;
}

/** The row when it was paused and now is not. */
export async function clearMarketingPause(db: Executor, projectId: string): Promise<ProjectRow | undefined> {
  const [row] = await db
    .update(projects)
    .set({ marketingPausedAt: null, marketingPausedReason: null, updatedAt: sql`now()` })
    .where(and(eq(projects.id, projectId), isNotNull(projects.marketingPausedAt)))
    .returning();
  return row;
}
