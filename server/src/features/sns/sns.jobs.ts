import type { JobQueue } from '../../jobs/queue.js';
import { purgeSnsReceipts, type SnsDeps } from './sns.service.js';

export async function registerSnsJobs(queue: JobQueue, deps: Pick<SnsDeps, 'db' | 'clock' | 'log'>) {
  await queue.work('sns.purge-receipts', { batchSize: 1 }, async () => {
    const purged = await purgeSnsReceipts(deps);
    if (purged) deps.log.info({ purged }, 'purged old SNS receipts');
  });
}
