import type { Logger } from 'pino';
import type { JobQueue } from '../../jobs/queue.js';
import { refreshAllSegments } from './segment-compute.service.js';
import type { SegmentDeps } from './segments.service.js';

/** `segments.refresh-counts` (cron in jobs/catalog.ts): recounts every segment and computes tracked ones. */
export async function registerSegmentJobs(queue: JobQueue, deps: SegmentDeps & { log: Logger }) {
  await queue.work('segments.refresh-counts', { batchSize: 1 }, async () => {
    const totals = await refreshAllSegments(deps);
    if (totals.failed) deps.log.warn(totals, 'segment refresh finished with failures');
  });
}
