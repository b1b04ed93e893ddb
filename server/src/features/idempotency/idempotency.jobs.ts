import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';
import { purgeExpiredIdempotencyKeys } from './idempotency.service.js';

export async function registerIdempotencyJobs(queue: JobQueue, db: Db) {
  await queue.work('idempotency.purge', { batchSize: 1 }, async () => {
    await purgeExpiredIdempotencyKeys(db);
  });
}
