import type { JobQueue } from '../../jobs/queue.js';
import { verifyAllDomains } from './domain-verification.service.js';
import type { DomainDeps } from './domains.service.js';

/** `domain.verify` (cron in jobs/catalog.ts): re-checks every sending domain's DNS records. */
export async function registerDomainJobs(queue: JobQueue, deps: DomainDeps) {
  await queue.work('domain.verify', { batchSize: 1 }, async () => {
    await verifyAllDomains(deps);
  });
}
