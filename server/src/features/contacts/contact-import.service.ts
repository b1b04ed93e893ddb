import { AppError, validationError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { ContactUpsertParams } from '../../db/contact-upsert.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type Actor, type ProjectActionContext } from '../activity/activity.service.js';
import { completeBackgroundJob, createBackgroundJob, runBackgroundJob, type BackgroundJobRow } from '../jobs-status/background-jobs.service.js';
import { parseCsv } from './contact-csv.js';
import { contactFromRow, mapColumns, mergeIntoBatch, type RowError } from './contact-import-rows.js';
import { importContactBatch } from './contact-import.queries.js';

export const IMPORT_JOB_TYPE = 'contacts.import';
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const BATCH_SIZE = 500;
const MAX_REPORTED_ERRORS = 100;

export interface ImportDeps {
  db: Db;
  queue: JobQueue;
}

interface ImportInput {
  csv: string;
  actor: Actor;
  ip: string | null;
}

interface ImportCounts {
  imported: number;
  created: number;
  updated: number;
  failed: number;
  errors: RowError[];
}

/** Checks the file, stores it in a job row and enqueues the job in the same transaction. */
export async function queueContactImport(deps: ImportDeps, ctx: ProjectActionContext, csv: string): Promise<{ jobId: string }> {
  if (Buffer.byteLength(csv) > MAX_IMPORT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'CSV file must be at most 5 MB');
  // jsonb (where the file waits for the worker) cannot hold NUL.
  if (csv.includes('\u0000')) throw validationError([{ field: 'file', message: 'CSV must not contain NUL characters', code: 'invalid_string' }]);
  let rows = -1;
  for (const _ of parseCsv(csv)) rows++;
  if (rows < 0) throw validationError([{ field: 'file', message: 'CSV file is empty; a header row is required', code: 'too_small' }]);
  const input: ImportInput = { csv, actor: ctx.actor, ip: ctx.ip ?? null };
  const job = await deps.db.transaction(async (tx) => {
    const row = await createBackgroundJob(tx, { projectId: ctx.projectId, type: IMPORT_JOB_TYPE, total: rows, input, requestId: ctx.requestId ?? null });
    await deps.queue.enqueue('contacts.import', { jobId: row.id }, { tx });
    return row;
  });
  return { jobId: job.id };
}

/** The worker side: upserts valid rows in batches of 500, resuming after the last committed batch. */
export async function runContactImport(deps: { db: Db }, jobId: string): Promise<void> {
  await runBackgroundJob(deps.db, jobId, (row) => importRows(deps.db, row));
}

async function importRows(db: Db, job: BackgroundJobRow) {
  const input = job.input as ImportInput;
  const prior = (job.result ?? {}) as Partial<ImportCounts>;
  const counts: ImportCounts = {
    imported: prior.imported ?? 0,
    created: prior.created ?? 0,
    updated: prior.updated ?? 0,
    failed: prior.failed ?? 0,
    errors: prior.errors ?? [],
  };
  const records = parseCsv(input.csv);
  const header = records.next();
  const columns = mapColumns(header.done ? [] : header.value.fields);
  let batch = new Map<string, ContactUpsertParams>();
  let seen = 0;
  let processed = job.processed;

  const flush = async () => {
    const result = await importContactBatch(db, {
      jobId: job.id,
      contacts: [...batch.values()],
      processed: seen,
      partial: { imported: counts.imported, failed: counts.failed, errors: counts.errors },
    });
    counts.created = Number(result.created ?? 0);
    counts.updated = Number(result.updated ?? 0);
    processed = seen;
    batch = new Map();
  };

  for (const record of records) {
    seen++;
    if (seen <= job.processed) continue;
    const outcome = contactFromRow(job.projectId, columns, record);
    if (outcome.ok) {
      counts.imported++;
      mergeIntoBatch(batch, outcome.contact);
    } else {
      counts.failed++;
      if (counts.errors.length < MAX_REPORTED_ERRORS) counts.errors.push(outcome.error);
    }
    if (batch.size >= BATCH_SIZE) await flush();
  }
  if (seen > processed || batch.size) await flush();
  await finishImport(db, job, input, counts, seen);
}

async function finishImport(db: Db, job: BackgroundJobRow, input: ImportInput, counts: ImportCounts, rows: number) {
  await db.transaction(async (tx) => {
    await completeBackgroundJob(tx, job.id, counts, rows);
    await recordActivity(tx, {
      projectId: job.projectId,
      actor: input.actor,
      requestId: job.requestId,
      ip: input.ip,
      type: 'contacts.imported',
      summary: `Imported ${counts.imported} of ${rows} CSV rows (${counts.created} created, ${counts.updated} updated, ${counts.failed} failed)`,
      metadata: { jobId: job.id, rows, imported: counts.imported, created: counts.created, updated: counts.updated, failed: counts.failed },
    });
  });
}
