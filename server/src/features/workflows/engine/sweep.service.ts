import type { EngineDeps } from './engine-deps.js';
import { dispatchPendingEvents } from './dispatcher.service.js';
import { rekickStalledRuns, resumeDueSteps } from './resume.service.js';
import { startPoller, type Poller } from '../../../jobs/poller.js';

// One pass of the workflow poller: relay the outbox (enrolments, fulfilled waits), then resume what
// time made due. Tests call runWorkflowSweep directly after moving their clock.

const DISPATCH_BATCH = 100;
const MAX_DISPATCH_BATCHES = 20;
const REKICK_EVERY_MS = 60_000;

export interface SweepResult {
  dispatched: number;
  enrolled: number;
  resumedByEvent: number;
  resumedByTime: number;
}

export async function runWorkflowSweep(deps: EngineDeps): Promise<SweepResult> {
  const result: SweepResult = { dispatched: 0, enrolled: 0, resumedByEvent: 0, resumedByTime: 0 };
  for (let i = 0; i < MAX_DISPATCH_BATCHES; i++) {
    const batch = await dispatchPendingEvents(deps, DISPATCH_BATCH);
    result.dispatched += batch.events - batch.failed;
    result.enrolled += batch.enrolled;
    result.resumedByEvent += batch.resumed;
    if (batch.events < DISPATCH_BATCH || batch.failed === batch.events) break;
  }
  result.resumedByTime = await resumeDueSteps(deps);
  return result;
}

export type WorkflowPoller = Poller;

/**
 * Runs a sweep every `config.workflows.pollIntervalMs` (a new one only after the last finished), and
 * re-kicks stalled runs once a minute.
 */
export function startWorkflowPoller(deps: EngineDeps): WorkflowPoller {
  let lastRekick = 0;
  return startPoller({
    intervalMs: deps.config.workflows.pollIntervalMs,
    log: deps.log,
    what: 'workflow sweep',
    tick: async () => {
      await runWorkflowSweep(deps);
      if (Date.now() - lastRekick >= REKICK_EVERY_MS) {
        lastRekick = Date.now();
        await rekickStalledRuns(deps);
      }
    },
  });
}
