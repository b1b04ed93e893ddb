import type { JobQueue } from '../../jobs/queue.js';
import { runReputationGuard, type ReputationDeps } from './reputation.service.js';

export async function registerSuppressionJobs(queue: JobQueue, deps: ReputationDeps) {
  await queue.work('reputation.check', { batchSize: 1 }, async () => {
    const result = await runReputationGuard(deps);
    if (result.warned || result.paused) deps.log.info(result, 'reputation guard acted');
  });
}
