import { notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { BackgroundJobRow } from '../../db/schema/index.js';
import * as q from './background-jobs.queries.js';

// User-visible long work (imports, bulk actions): a `background_jobs` row holds status and progress;
// pg-boss only carries `{ jobId }` and runs the handler. Shared by every feature that queues such work.

export type BackgroundJobState = 'queued' | 'running' | 'completed' | 'failed';

export interface BackgroundJobStatus {
  id: string;
  state: BackgroundJobState;
  progress: { processed: number; total: number | null; percent: number };
  result: unknown;
  failedReason: string | null;
}

export type NewBackgroundJob = q.NewBackgroundJob;
export type { BackgroundJobRow };

export async function createBackgroundJob(db: Executor, job: NewBackgroundJob): Promise<BackgroundJobRow> {
  return q.insertBackgroundJob(db, job);
}

export function toJobStatus(row: BackgroundJobRow): BackgroundJobStatus {
  const total = row.total;
  const percent = row.status === 'COMPLETED' ? 100 : total ? Math.min(100, Math.floor((row.processed / total) * 100)) : 0;
  return {
    id: row.id,
    state: row.status.toLowerCase() as BackgroundJobState,
    progress: { processed: row.processed, total, percent },
    // Partial results are internal bookkeeping (cursors, running counts) until the job ends.
    result: row.status === 'COMPLETED' ? stripInternal(row.result) : null,
    failedReason: row.status === 'FAILED' ? row.error : null,
  };
}

function stripInternal(result: unknown): unknown {
  if (!result || typeof result !== 'object') return result ?? null;
  const { cursor: _cursor, ...rest } = result as Record<string, unknown>;
  return rest;
}

/** A job of this project and one of these types, or 404 RESOURCE_NOT_FOUND (other projects' jobs included). */
export async function getJobStatus(db: Executor, projectId: string, id: string, types: string[]): Promise<BackgroundJobStatus> {
  const row = isUuid(id) ? await q.findBackgroundJob(db, projectId, id, types) : undefined;
  if (!row) throw notFound('RESOURCE_NOT_FOUND', 'Job', id);
  return toJobStatus(row);
}

export async function startBackgroundJob(db: Executor, id: string) {
  return q.startBackgroundJob(db, id);
}

export async function setBackgroundJobTotal(db: Executor, id: string, total: number) {
  return q.setBackgroundJobTotal(db, id, total);
}

export async function completeBackgroundJob(db: Executor, id: string, result: unknown, processed?: number) {
  return q.finishBackgroundJob(db, id, { status: 'COMPLETED', result, processed });
}

export async function failBackgroundJob(db: Executor, id: string, error: string) {
  return q.finishBackgroundJob(db, id, { status: 'FAILED', error: error.slice(0, 1000) });
}

/** How many runs a job has had (counted by startBackgroundJob). */
export function attemptsOf(row: BackgroundJobRow): number {
  const input = row.input as { attempts?: number } | null;
  return input?.attempts ?? 0;
}

/** Runs of one job before it is marked FAILED (pg-boss `retryLimit` + 1 in jobs/catalog.ts). */
export const JOB_MAX_ATTEMPTS = 5;

/**
 * Claims the job and runs `work`. A thrown error is retried by pg-boss (the work resumes from the
 * row's progress) until the last attempt, which marks the row FAILED with the reason.
 */
export async function runBackgroundJob(db: Executor, jobId: string, work: (row: BackgroundJobRow) => Promise<void>): Promise<void> {
  const row = await startBackgroundJob(db, jobId);
  if (!row) return;
  try {
    await work(row);
  } catch (err) {
    if (attemptsOf(row) < JOB_MAX_ATTEMPTS) throw err;
    await failBackgroundJob(db, jobId, err instanceof Error ? err.message : String(err));
  }
}
