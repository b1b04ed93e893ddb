import type { Tx } from '../../../db/client.js';
import type { WorkflowExecutionRow } from '../../../db/schema/index.js';
import { PRIORITY } from '../../../jobs/catalog.js';
import type { EngineDeps } from './engine-deps.js';
import { applyStepResult, failExecution, stepErrorMessage, type Progress } from './progress.service.js';
import * as q from './runner.queries.js';
import { claimWebhookStep, recordWebhookOutcome, type ClaimedWebhook } from './runner-webhook.service.js';
import { findSnapshotStep, type SnapshotStep } from './snapshot.js';
import { STEP_HANDLERS } from './steps/index.js';
import { sendWebhook } from './steps/webhook.step.js';
import type { StepResult } from './steps/step-types.js';

// `workflow.run`: runs an execution from its current step until it waits or ends. Each step is ONE
// transaction holding the execution row lock: check RUNNING, insert the step execution (unique per
// execution and step, so a step runs at most once), run the step (its writes — an email and its job,
// a contact update — in a savepoint), record the outcome and move current_step_id on. A crash between
// two steps loses nothing: the job is retried and carries on from current_step_id.

/** A graph has no cycles, so a run ends long before this; past it the run yields to a fresh job. */
const MAX_STEPS_PER_RUN = 200;

type StepOutcome = Progress | ClaimedWebhook;

export async function runExecution(deps: EngineDeps, executionId: string): Promise<void> {
  for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
    const outcome = await deps.db.transaction((tx) => runCurrentStep(deps, tx, executionId));
    if (outcome === 'stop') return;
    if (outcome !== 'continue') {
      // WEBHOOK: the HTTP call happens between two transactions, never inside one.
      const result = await sendWebhook(deps, outcome.request);
      if ((await recordWebhookOutcome(deps, outcome, result)) === 'stop') return;
    }
  }
  await deps.queue.enqueue('workflow.run', { executionId }, { priority: PRIORITY.workflow });
}

async function runCurrentStep(deps: EngineDeps, tx: Tx, executionId: string): Promise<StepOutcome> {
  // Events the step causes (an UPDATE_CONTACT's contact.* events) carry the execution: see chain.ts.
  await q.markEventsCausedBy(tx, executionId);
  const execution = await q.lockExecution(tx, executionId);
  if (!execution || execution.status !== 'RUNNING') return 'stop';
  const now = deps.clock.now();
  const step = findSnapshotStep(execution.snapshot, execution.currentStepId);
  if (!step) {
    if (!execution.currentStepId) {
      // A workflow without a trigger step has nothing to run.
      await q.updateExecution(tx, execution.id, { status: 'COMPLETED', completedAt: now }, now);
      return 'stop';
    }
    return failExecution(tx, execution.id, null, `Step ${execution.currentStepId} is not part of this execution's snapshot`, now);
  }
  if (step.type === 'WEBHOOK') return claimWebhookStep(deps, tx, execution, step, now);

  const stepExecution = await q.insertStepExecution(tx, execution, step, now);
  if (!stepExecution) return failExecution(tx, execution.id, null, `Step "${step.name}" already ran in this execution`, now);
  let result: StepResult;
  try {
    result = await runHandler(deps, tx, execution, step, stepExecution.id, now);
  } catch (err) {
    const message = stepErrorMessage(deps, err, { executionId, stepId: step.id, stepType: step.type });
    return failExecution(tx, execution.id, stepExecution.id, message, now);
  }
  return applyStepResult(deps, tx, execution, step.id, stepExecution.id, result, now);
}

/** In a savepoint: a step that throws leaves none of its writes behind. */
function runHandler(deps: EngineDeps, tx: Tx, execution: WorkflowExecutionRow, step: SnapshotStep, stepExecutionId: string, now: Date) {
  const handler = STEP_HANDLERS[step.type as keyof typeof STEP_HANDLERS];
  return tx.transaction((sp) => handler({ deps, tx: sp, execution, step, stepExecutionId, now }));
}
