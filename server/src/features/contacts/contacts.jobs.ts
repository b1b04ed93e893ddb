import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { runBulkAction } from './contact-bulk.service.js';
import { runContactImport } from './contact-import.service.js';
import { mergeContactCounts } from './contact-list.service.js';

/** CSV imports and bulk actions: each job's state lives in its `background_jobs` row. */
export async function registerContactJobs(queue: JobQueue, db: Db) {
  await queue.work('contacts.import', { batchSize: 1 }, async (jobs) => {
    for (const job of jobs) await runContactImport({ db }, job.jobId);
  });
  await queue.work('contacts.bulk', { batchSize: 1, concurrency: 2 }, async (jobs) => {
    for (const job of jobs) await runBulkAction({ db }, job.jobId);
  });
  await queue.work('contacts.merge-counts', { batchSize: 1 }, async () => mergeContactCounts(db));
}
