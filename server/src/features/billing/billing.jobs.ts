import type { JobQueue } from '../../jobs/queue.js';
import { reconcileAllCounters, type BillingDeps } from './billing.service.js';

/** `billing.reconcile` (cron in jobs/catalog.ts): usage counters re-derived from the email rows. */
export async function registerBillingJobs(queue: JobQueue, deps: BillingDeps) {
  await queue.work('billing.reconcile', { batchSize: 1 }, async () => {
    const totals = await reconcileAllCounters(deps);
    if (totals.failed) deps.log?.warn(totals, 'billing reconcile finished with failures');
  });
}
