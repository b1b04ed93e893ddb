import type { Logger } from 'pino';
import type { JobQueue } from '../../jobs/queue.js';
import { purgeRequestLog, type PurgeDeps } from './request-log.service.js';

export async function registerActivityJobs(queue: JobQueue, deps: PurgeDeps & { log: Logger }) {
  await queue.work('activity.purge-request-log', { batchSize: 1 }, async () => {
    const purged = await purgeRequestLog(deps);
    if (purged.requests || purged.sessions) deps.log.info(purged, 'purged old API request rows and expired sessions');
  });
}
