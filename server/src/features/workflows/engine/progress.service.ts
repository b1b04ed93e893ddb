import { AppError } from '../../../core/errors.js';
import type { Executor } from '../../../db/client.js';
import type { WorkflowExecutionRow } from '../../../db/schema/index.js';
import { PRIORITY } from '../../../jobs/catalog.js';
import type { EngineDeps } from './engine-deps.js';
import * as q from './runner.queries.js';
import { nextStepId } from './snapshot.js';
import { StepFailure, type StepResult } from './steps/step-types.js';

// Recording a step's outcome and moving its (locked) execution on. Shared by the runner, the event
// dispatcher (WAIT_FOR_EVENT fulfilled) and the resume sweep (DELAY over, wait timed out).

type ProgressDeps = Pick<EngineDeps, 'queue' | 'log'>;

/** 'continue': the execution is RUNNING at its next step; 'stop': it waits or has ended. */
export type Progress = 'continue' | 'stop';

/**
 * Past `fromStepId` by `outcome`: on to the next step (RUNNING), or COMPLETED when no edge matches.
 * `enqueue` hands the next step to a `workflow.run` job (callers other than the runner's own loop).
 */
export async function advanceExecution(
  deps: ProgressDeps,
  tx: Executor,
  execution: WorkflowExecutionRow,
  fromStepId: string,
  outcome: string | null,
  now: Date,
  opts: { enqueue: boolean; context?: Record<string, unknown> },
): Promise<Progress> {
  const next = nextStepId(execution.snapshot, fromStepId, outcome);
  const context = opts.context ? { context: opts.context } : {};
  if (!next) {
    await q.updateExecution(tx, execution.id, { status: 'COMPLETED', completedAt: now, ...context }, now);
    return 'stop';
  }
  await q.updateExecution(tx, execution.id, { status: 'RUNNING', currentStepId: next, ...context }, now);
  if (opts.enqueue) await deps.queue.enqueue('workflow.run', { executionId: execution.id }, { tx, priority: PRIORITY.workflow });
  return 'continue';
}

/** The step (if any) and the execution end FAILED with `message`. */
export async function failExecution(tx: Executor, executionId: string, stepExecutionId: string | null, message: string, now: Date): Promise<Progress> {
  const error = message.slice(0, 2000);
  if (stepExecutionId) await q.updateStepExecution(tx, stepExecutionId, { status: 'FAILED', error, completedAt: now });
  await q.updateExecution(tx, executionId, { status: 'FAILED', error, completedAt: now }, now);
  return 'stop';
}

/** Records what a step handler returned and moves the execution accordingly (runner loop: no enqueue). */
export async function applyStepResult(
  deps: ProgressDeps,
  tx: Executor,
  execution: WorkflowExecutionRow,
  stepId: string,
  stepExecutionId: string,
  result: StepResult,
  now: Date,
): Promise<Progress> {
  switch (result.kind) {
    case 'completed':
    case 'skipped':
      await q.updateStepExecution(tx, stepExecutionId, { status: result.kind === 'completed' ? 'COMPLETED' : 'SKIPPED', output: result.output, completedAt: now });
      return advanceExecution(deps, tx, execution, stepId, result.kind === 'completed' ? (result.outcome ?? null) : null, now, { enqueue: false });
    case 'scheduled':
      await q.updateStepExecution(tx, stepExecutionId, { status: 'SCHEDULED', resumeAt: result.resumeAt, output: result.output });
      await q.updateExecution(tx, execution.id, { status: 'WAITING' }, now);
      return 'stop';
    case 'waiting':
      await q.updateStepExecution(tx, stepExecutionId, { status: 'WAITING', waitEvent: result.waitEvent, resumeAt: result.resumeAt });
      await q.updateExecution(tx, execution.id, { status: 'WAITING' }, now);
      return 'stop';
    case 'exit':
      await q.updateStepExecution(tx, stepExecutionId, { status: 'COMPLETED', output: result.output, completedAt: now });
      await q.updateExecution(tx, execution.id, { status: 'EXITED', exitReason: result.reason, completedAt: now }, now);
      return 'stop';
  }
}

/** The text a failed step records; unexpected errors are also logged (they may be bugs). */
export function stepErrorMessage(deps: Pick<EngineDeps, 'log'>, err: unknown, where: Record<string, unknown>): string {
  if (err instanceof StepFailure || err instanceof AppError) return err.message;
  deps.log.error({ err, ...where }, 'workflow step failed unexpectedly');
  return (err as Error)?.message ?? String(err);
}
