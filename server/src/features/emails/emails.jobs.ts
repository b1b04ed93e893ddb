import type { JobQueue } from '../../jobs/queue.js';
import { deliverEmail, type DeliveryDeps } from './delivery.service.js';

export async function registerEmailJobs(queue: JobQueue, deps: DeliveryDeps, concurrency: number) {
  await queue.work('email.send', { batchSize: 20, concurrency }, async (payloads) => {
    // Each email settles its own outcome; only infrastructure errors (database down) reach pg-boss.
    await Promise.all(payloads.map((p) => deliverEmail(deps, p.emailId)));
  });
}
