import type { Tx } from '../../../db/client.js';
import type { WorkflowExecutionRow } from '../../../db/schema/index.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceExecution, failExecution, stepErrorMessage, type Progress } from './progress.service.js';
import * as q from './runner.queries.js';
import type { SnapshotStep } from './snapshot.js';
import { prepareWebhookRequest, WEBHOOK_TIMEOUT_MS, type WebhookOutcome, type WebhookRequest } from './steps/webhook.step.js';

// The two transactions around a WEBHOOK call. The step execution is RUNNING while the request is in
// flight; its start time is a lease: another run that finds it RUNNING and younger than the lease
// leaves it to its owner (the job is retried later); an older one belongs to a dead worker and is sent
// again (at-least-once, same Webhook-Id).

const WEBHOOK_LEASE_MS = WEBHOOK_TIMEOUT_MS * 6;

export interface ClaimedWebhook {
  executionId: string;
  stepId: string;
  stepExecutionId: string;
  request: WebhookRequest;
}

/** Another run is sending this webhook right now; pg-boss retries the job later. */
export class WebhookInFlightError extends Error {}

export async function claimWebhookStep(deps: EngineDeps, tx: Tx, execution: WorkflowExecutionRow, step: SnapshotStep, now: Date): Promise<ClaimedWebhook | Progress> {
  let stepExecution = await q.findStepExecution(tx, execution.id, step.id);
  if (stepExecution) {
    if (stepExecution.status !== 'RUNNING') return failExecution(tx, execution.id, null, `Step "${step.name}" already ran in this execution`, now);
    if (now.getTime() - stepExecution.startedAt.getTime() < WEBHOOK_LEASE_MS) {
      throw new WebhookInFlightError(`Webhook step ${stepExecution.id} is in flight in another run`);
    }
    await q.restartStepExecution(tx, stepExecution.id, now);
  } else {
    stepExecution = await q.insertStepExecution(tx, execution, step, now);
    if (!stepExecution) return failExecution(tx, execution.id, null, `Step "${step.name}" already ran in this execution`, now);
  }
  const id = stepExecution.id;
  try {
    const request = await tx.transaction((sp) => prepareWebhookRequest(sp, execution, step, id));
    await q.updateExecution(tx, execution.id, {}, now);
    return { executionId: execution.id, stepId: step.id, stepExecutionId: id, request };
  } catch (err) {
    return failExecution(tx, execution.id, id, stepErrorMessage(deps, err, { executionId: execution.id, stepId: step.id, stepType: 'WEBHOOK' }), now);
  }
}

/** Records the call's result, unless the execution moved on meanwhile (cancelled). */
export async function recordWebhookOutcome(deps: EngineDeps, claimed: ClaimedWebhook, outcome: WebhookOutcome): Promise<Progress> {
  return deps.db.transaction(async (tx) => {
    const execution = await q.lockExecution(tx, claimed.executionId);
    if (!execution || execution.status !== 'RUNNING' || execution.currentStepId !== claimed.stepId) return 'stop';
    const stepExecution = await q.findStepExecutionById(tx, claimed.stepExecutionId);
    if (!stepExecution || stepExecution.status !== 'RUNNING') return 'stop';
    const now = deps.clock.now();
    if (!outcome.ok) return failExecution(tx, execution.id, stepExecution.id, outcome.error, now);
    await q.updateStepExecution(tx, stepExecution.id, { status: 'COMPLETED', output: outcome.output, completedAt: now });
    return advanceExecution(deps, tx, execution, claimed.stepId, null, now, { enqueue: false });
  });
}
