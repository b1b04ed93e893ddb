import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { projects, type ProjectRow, type TrackingMode } from '../../db/schema/index.js';

export interface ProjectSettings {
  name?: string;
  tracking?: TrackingMode;
  postalAddress?: string | null;
  language?: string;
}

/** Writes only the settings given; the others keep their values. */
export async function updateProjectSettings(db: Executor, id: string, settings: ProjectSettings): Promise<ProjectRow | undefined> {
  const [row] = await db
    .update(projects)
    .set({ ...settings, updatedAt: sql`now()` })
    .where(eq(projects.id, id))
    .returning();
  return row;
}
