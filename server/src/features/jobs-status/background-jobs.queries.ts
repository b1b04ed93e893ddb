import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { backgroundJobs, type BackgroundJobRow } from '../../db/schema/index.js';

export interface NewBackgroundJob {
  projectId: string;
  type: string;
  total: number | null;
  input: unknown;
  requestId: string | null;
}

export async function insertBackgroundJob(db: Executor, job: NewBackgroundJob): Promise<BackgroundJobRow> {
  const [row] = await db.insert(backgroundJobs).values(job).returning();
  return row;
}

export async function findBackgroundJob(db: Executor, projectId: string, id: string, types: string[]): Promise<BackgroundJobRow | undefined> {
  const [row] = await db
    .select()
    .from(backgroundJobs)
    .where(and(eq(backgroundJobs.projectId, projectId), eq(backgroundJobs.id, id), inArray(backgroundJobs.type, types)));
  return row;
}

/**
 * Claims a job for a run: QUEUED or RUNNING (a crashed earlier run) becomes RUNNING and its attempt
 * counter (kept in `input`) goes up. Finished jobs are not returned, so a duplicate delivery is a no-op.
 */
export async function startBackgroundJob(db: Executor, id: string): Promise<BackgroundJobRow | undefined> {
  const [row] = await db
    .update(backgroundJobs)
    .set({
      status: 'RUNNING',
      input: sql`jsonb_set(${backgroundJobs.input}, '{attempts}', to_jsonb(coalesce((${backgroundJobs.input}->>'attempts')::int, 0) + 1))`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(backgroundJobs.id, id), inArray(backgroundJobs.status, ['QUEUED', 'RUNNING'])))
    .returning();
  return row;
}

export async function setBackgroundJobTotal(db: Executor, id: string, total: number): Promise<void> {
  await db.update(backgroundJobs).set({ total, updatedAt: sql`now()` }).where(eq(backgroundJobs.id, id));
}

/** Ends a job: the input (file contents, id lists) is dropped; only the outcome stays. */
export async function finishBackgroundJob(db: Executor, id: string, outcome: { status: 'COMPLETED' | 'FAILED'; result?: unknown; error?: string | null; processed?: number }): Promise<void> {
  await db
    .update(backgroundJobs)
    .set({
      status: outcome.status,
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      ...(outcome.processed !== undefined ? { processed: outcome.processed } : {}),
      error: outcome.error ?? null,
      input: null,
      updatedAt: sql`now()`,
      finishedAt: sql`now()`,
    })
    .where(eq(backgroundJobs.id, id));
}
