import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type Actor, type ProjectActionContext } from '../activity/activity.service.js';
import { completeBackgroundJob, createBackgroundJob, runBackgroundJob, setBackgroundJobTotal, type BackgroundJobRow } from '../jobs-status/background-jobs.service.js';
import { applyBulkBatch, countBulkQuery, nextBulkQueryPage, type BulkOperation, type BulkQueryFilter } from './contact-bulk.queries.js';

// Bulk subscribe / unsubscribe / delete (POST /contacts/bulk-*): queued as a job, worked in batches
// of 100 contacts. Contacts of other projects are never touched: every statement filters by project.

export const BULK_JOB_TYPES = ['contacts.bulk-subscribe', 'contacts.bulk-unsubscribe', 'contacts.bulk-delete'];
const BATCH_SIZE = 100;

export type { BulkOperation };

export type BulkSelection =
  | { mode: 'ids'; contactIds: string[] }
  | { mode: 'query'; filter: { search?: string; subscribed?: boolean }; excludeIds?: string[] };

interface BulkInput {
  operation: BulkOperation;
  selection: BulkSelection;
  actor: Actor;
  ip: string | null;
}

export interface BulkDeps {
  db: Db;
  queue: JobQueue;
}

export async function queueBulkAction(deps: BulkDeps, ctx: ProjectActionContext, operation: BulkOperation, selection: BulkSelection): Promise<{ jobId: string }> {
  // Ids are worked in sorted order, each once: the position in this list is the resume cursor.
  const normalized: BulkSelection =
    selection.mode === 'ids' ? { mode: 'ids', contactIds: [...new Set(selection.contactIds.map((id) => id.toLowerCase()))].sort() } : selection;
  const input: BulkInput = { operation, selection: normalized, actor: ctx.actor, ip: ctx.ip ?? null };
  const total = normalized.mode === 'ids' ? normalized.contactIds.length : null;
  const job = await deps.db.transaction(async (tx) => {
    const row = await createBackgroundJob(tx, { projectId: ctx.projectId, type: `contacts.bulk-${operation}`, total, input, requestId: ctx.requestId ?? null });
    await deps.queue.enqueue('contacts.bulk', { jobId: row.id }, { tx });
    return row;
  });
  return { jobId: job.id };
}

export async function runBulkAction(deps: { db: Db }, jobId: string): Promise<void> {
  await runBackgroundJob(deps.db, jobId, (row) => workBulk(deps.db, row));
}

async function workBulk(db: Db, job: BackgroundJobRow) {
  const input = job.input as BulkInput;
  const prior = (job.result ?? {}) as { cursor?: string; success?: number; matched?: number };
  const base = { jobId: job.id, projectId: job.projectId, operation: input.operation };
  let counts = { success: prior.success ?? 0, matched: prior.matched ?? 0 };
  let processed = job.processed;
  const sel = input.selection;

  if (sel.mode === 'ids') {
    for (let at = Number(prior.cursor ?? 0); at < sel.contactIds.length; at += BATCH_SIZE) {
      const ids = sel.contactIds.slice(at, at + BATCH_SIZE);
      counts = await applyBulkBatch(db, { ...base, ids, advance: ids.length, cursor: String(at + ids.length) });
      processed += ids.length;
    }
  } else {
    const filter: BulkQueryFilter = { projectId: job.projectId, ...sel.filter, excludeIds: sel.excludeIds ?? [] };
    if (job.total === null) await setBackgroundJobTotal(db, job.id, await countBulkQuery(db, filter));
    let after = prior.cursor || null;
    for (;;) {
      const ids = await nextBulkQueryPage(db, filter, after, BATCH_SIZE);
      if (!ids.length) break;
      after = ids[ids.length - 1];
      counts = await applyBulkBatch(db, { ...base, ids, advance: ids.length, cursor: after });
      processed += ids.length;
    }
  }
  await finishBulk(db, job, input, counts, processed);
}

async function finishBulk(db: Db, job: BackgroundJobRow, input: BulkInput, counts: { success: number; matched: number }, processed: number) {
  const result = {
    operation: input.operation,
    totalRequested: processed,
    successCount: counts.success,
    unchangedCount: counts.matched - counts.success,
    // Ids that are not (or no longer) contacts of this project.
    failureCount: processed - counts.matched,
    errors: [] as string[],
  };
  await db.transaction(async (tx) => {
    await completeBackgroundJob(tx, job.id, result, processed);
    if (job.total !== processed) await setBackgroundJobTotal(tx, job.id, processed);
    await recordActivity(tx, {
      projectId: job.projectId,
      actor: input.actor,
      requestId: job.requestId,
      ip: input.ip,
      type: `contacts.bulk-${input.operation}`,
      summary: `Bulk ${input.operation}: ${result.successCount} changed, ${result.unchangedCount} unchanged, ${result.failureCount} not found`,
      metadata: { jobId: job.id, ...result, errors: undefined },
    });
  });
}
