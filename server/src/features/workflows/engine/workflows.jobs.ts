import type { JobQueue } from '../../../jobs/queue.js';
import type { EngineDeps } from './engine-deps.js';
import { runExecution } from './runner.service.js';
import { startWorkflowPoller, type WorkflowPoller } from './sweep.service.js';

/**
 * `workflow.run` handlers and the outbox/resume poller. Returns the poller so the process can stop it
 * before closing the database.
 */
export async function registerWorkflowJobs(queue: JobQueue, deps: EngineDeps): Promise<WorkflowPoller> {
  await queue.work('workflow.run', { batchSize: 10, concurrency: 2 }, async (payloads) => {
    // Every run finishes before the batch is failed, so a retry never races a run still going; runs
    // that completed are no-ops when retried (their executions are no longer at that step).
    const results = await Promise.allSettled(payloads.map((p) => runExecution(deps, p.executionId)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return startWorkflowPoller(deps);
}
