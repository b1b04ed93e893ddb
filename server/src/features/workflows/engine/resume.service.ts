import type { Executor } from '../../../db/client.js';
import { PRIORITY } from '../../../jobs/catalog.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceExecution } from './progress.service.js';
import * as rq from './resume.queries.js';
import * as q from './runner.queries.js';

// Time-driven progress, by the app clock: a DELAY whose resume_at has passed completes and the
// execution goes on; a WAIT_FOR_EVENT whose timeout has passed completes {timedOut:true} and follows
// its TIMEOUT edge (none: the execution completes). Only WAITING executions resume, so a cancelled one
// never does. Nothing lives in memory: after a restart the next sweep finds the same rows.

const BATCH = 100;
const MAX_BATCHES_PER_SWEEP = 20;
/** A RUNNING execution nobody touched for this long lost its run job; the poller enqueues a new one. */
export const STALLED_RUN_MS = 10 * 60_000;

export async function resumeDueSteps(deps: EngineDeps): Promise<number> {
  let resumed = 0;
  for (let i = 0; i < MAX_BATCHES_PER_SWEEP; i++) {
    const { found, done } = await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      const due = await rq.lockDueSteps(tx, now, BATCH);
      let n = 0;
      for (const row of due) if (await resumeStep(deps, tx, row.executionId, row.stepExecutionId, now)) n++;
      return { found: due.length, done: n };
    });
    resumed += done;
    if (found < BATCH) break;
  }
  return resumed;
}

async function resumeStep(deps: EngineDeps, tx: Executor, executionId: string, stepExecutionId: string, now: Date): Promise<boolean> {
  const execution = await q.lockExecution(tx, executionId);
  const step = await q.findStepExecutionById(tx, stepExecutionId);
  if (!execution || execution.status !== 'WAITING' || !step || step.stepId !== execution.currentStepId) return false;
  if (!step.resumeAt || step.resumeAt > now) return false;
  if (step.status === 'SCHEDULED') {
    await q.updateStepExecution(tx, step.id, { status: 'COMPLETED', output: { ...(step.output ?? {}), resumedAt: now.toISOString() }, completedAt: now });
    await advanceExecution(deps, tx, execution, step.stepId, null, now, { enqueue: true });
    return true;
  }
  if (step.status === 'WAITING') {
    await q.updateStepExecution(tx, step.id, { status: 'COMPLETED', output: { timedOut: true }, completedAt: now });
    await advanceExecution(deps, tx, execution, step.stepId, 'TIMEOUT', now, { enqueue: true });
    return true;
  }
  return false;
}

/** Safety net behind the job chain: RUNNING executions idle past STALLED_RUN_MS get a new run job. */
export async function rekickStalledRuns(deps: EngineDeps): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const ids = await rq.lockStalledRuns(tx, new Date(now.getTime() - STALLED_RUN_MS), BATCH);
    if (!ids.length) return 0;
    await rq.touchExecutions(tx, ids, now);
    await deps.queue.enqueueMany('workflow.run', ids.map((executionId) => ({ executionId })), { tx, priority: PRIORITY.workflow });
    deps.log.warn({ count: ids.length }, 'workflow executions idle while RUNNING; run jobs re-enqueued');
    return ids.length;
  });
}
