import type { AppDeps } from './container.js';
import { registerActivityJobs } from './features/activity/activity.jobs.js';
import { registerContactJobs } from './features/contacts/contacts.jobs.js';
import { registerDomainJobs } from './features/domains/domains.jobs.js';
import { registerEmailJobs } from './features/emails/emails.jobs.js';
import { registerIdempotencyJobs } from './features/idempotency/idempotency.jobs.js';
import { registerSuppressionJobs } from './features/suppressions/suppressions.jobs.js';
import { registerSnsJobs } from './features/sns/sns.jobs.js';
import { registerSegmentJobs } from './features/segments/segments.jobs.js';
import { registerCampaignJobs } from './features/campaigns/campaigns.jobs.js';
import { deliveryConcurrency } from './features/campaigns/send-rate.js';
import { registerWorkflowJobs } from './features/workflows/engine/workflows.jobs.js';
import { startWebhookPoller } from './features/webhooks/webhooks.jobs.js';
import { registerBillingJobs } from './features/billing/billing.jobs.js';

/**
 * Every job handler a worker process runs, and the periodic maintenance schedules. `stop` ends the
 * in-process loops (the workflow poller); call it before closeContainer.
 */
export async function startWorkers(deps: AppDeps): Promise<{ stop(): Promise<void> }> {
  await registerEmailJobs(deps.queue, deps, deliveryConcurrency(deps.config.send.workerConcurrency, deps.config.send.ratePerSecond));
  await registerIdempotencyJobs(deps.queue, deps.db);
  await registerContactJobs(deps.queue, deps.db);
  await registerActivityJobs(deps.queue, deps);
  await registerDomainJobs(deps.queue, deps);
  await registerSuppressionJobs(deps.queue, deps);
  await registerSnsJobs(deps.queue, deps);
  await registerSegmentJobs(deps.queue, deps);
  await registerCampaignJobs(deps.queue, deps);
  await registerBillingJobs(deps.queue, deps);
  const workflowPoller = await registerWorkflowJobs(deps.queue, deps);
  const webhookPoller = startWebhookPoller(deps);
  await deps.queue.scheduleMaintenance();
  return { stop: async () => void (await Promise.all([workflowPoller.stop(), webhookPoller.stop()])) };
}
