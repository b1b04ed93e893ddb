import type { JobQueue } from '../../jobs/queue.js';
import { finalizeOrWait, runFanOutBatch, sweepCampaigns, type FanOutDeps } from './campaign-fanout.service.js';
import { startScheduledCampaign } from './campaign-lifecycle.service.js';

/** `campaign.start`, `campaign.fan-out` and `campaign.finalize` (cron sweep + per-campaign checks). */
export async function registerCampaignJobs(queue: JobQueue, deps: FanOutDeps) {
  await queue.work('campaign.start', { batchSize: 1 }, async (payloads) => {
    for (const p of payloads) await startScheduledCampaign(deps, p);
  });
  // One batch per job: a throw rolls the batch back and pg-boss re-runs it from the same checkpoint.
  await queue.work('campaign.fan-out', { batchSize: 1, concurrency: 2 }, async (payloads) => {
    for (const p of payloads) await runFanOutBatch(deps, p.campaignId, p.after);
  });
  await queue.work('campaign.finalize', { batchSize: 1 }, async (payloads) => {
    for (const p of payloads) {
      if (p?.campaignId) await finalizeOrWait(deps, p.campaignId);
      else await sweepCampaigns(deps);
    }
  });
}
