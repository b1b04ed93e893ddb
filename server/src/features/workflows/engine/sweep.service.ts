import type { EngineDeps } from './engine-deps.js';
import { dispatchPendingEvents } from './dispatcher.service.js';
import { rekickStalledRuns, resumeDueSteps } from './resume.service.js';

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

export interface WorkflowPoller {
  /** Stops scheduling sweeps and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs a sweep every `config.workflows.pollIntervalMs` (a new one only after the last finished), and
 * re-kicks stalled runs once a minute. The timer is unref'd: it never keeps the process alive.
 */
export function startWorkflowPoller(deps: EngineDeps): WorkflowPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let lastRekick = 0;

  const tick = async () => {
    try {
      await runWorkflowSweep(deps);
      if (Date.now() - lastRekick >= REKICK_EVERY_MS) {
        lastRekick = Date.now();
        await rekickStalledRuns(deps);
      }
    } catch (err) {
      if (!stopped) deps.log.error({ err }, 'workflow sweep failed; retrying on the next tick');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(() => {
        current = null;
        schedule();
      });
    }, deps.config.workflows.pollIntervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
