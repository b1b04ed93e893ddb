import type { JobQueue } from '../../jobs/queue.js';
import { deliverEmails, type DeliveryDeps } from './delivery.service.js';

export async function registerEmailJobs(queue: JobQueue, deps: DeliveryDeps, concurrency: number) {
  await queue.work('email.send', { batchSize: 20, concurrency }, async (payloads) => {
    // Each email settles its own outcome; only infrastructure errors (database down) and emails leased
    // by another worker reach pg-boss, which retries the batch later (settled emails are then no-ops).
    // Every delivery finishes before the batch is failed, so a retry never races a send still running.
    await deliverEmails(deps, payloads.map((p) => p.emailId));
  });
}
