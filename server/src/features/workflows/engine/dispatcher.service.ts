import type { Executor } from '../../../db/client.js';
import { recordActivity } from '../../activity/activity.service.js';
import { chainDepth, chainRefusal, MAX_WORKFLOW_CHAIN_DEPTH, type EventCause } from './chain.js';
import type { EngineDeps } from './engine-deps.js';
import * as dq from './dispatch.queries.js';
import { listTriggeredWorkflows } from './enrol.queries.js';
import { startExecution } from './enrol.service.js';
import { advanceExecution } from './progress.service.js';
import * as q from './runner.queries.js';

// The outbox relay. Events are stored first (their insert flags them, see migration 0009) and offered
// to workflows here, so an event whose dispatch was interrupted (crash, no worker running) is enrolled
// by the next sweep. One transaction per batch locks the flagged rows (SKIP LOCKED: a concurrent
// dispatcher takes other rows), enrols, resumes waits and clears the flags. A second pass over the same
// event enrols nobody twice: the unique (workflow, source event) index says no. An event whose dispatch
// fails is retried with backoff and dead-lettered after MAX_DISPATCH_ATTEMPTS (notes §4.5).

/** Failed dispatches of one event before it is given up on (`dispatch_failed_at`). */
export const MAX_DISPATCH_ATTEMPTS = 8;

export interface DispatchResult {
  events: number;
  enrolled: number;
  resumed: number;
  failed: number;
}

export async function dispatchPendingEvents(deps: EngineDeps, limit = 100): Promise<DispatchResult> {
  return deps.db.transaction(async (tx) => {
    const result: DispatchResult = { events: 0, enrolled: 0, resumed: 0, failed: 0 };
    const handled: string[] = [];
    const batch = await dq.lockPendingEvents(tx, limit);
    // Every waiting execution this batch may resume, locked up front in id order (as cancel-all does).
    await dq.lockWaitingExecutions(tx, batch.flatMap((e) => (e.contactId ? [{ contactId: e.contactId, eventName: e.name }] : [])));
    for (const event of batch) {
      result.events++;
      if (event.contactId) {
        try {
          // A savepoint per event: one that fails is retried later without undoing the rest.
          const r = await tx.transaction((sp) => dispatchEvent(deps, sp, { ...event, contactId: event.contactId! }));
          result.enrolled += r.enrolled;
          result.resumed += r.resumed;
        } catch (err) {
          result.failed++;
          await recordFailure(deps, tx, event.id, err);
          continue;
        }
      }
      handled.push(event.id);
    }
    await dq.clearDispatchPending(tx, handled);
    return result;
  });
}

async function recordFailure(deps: EngineDeps, tx: Executor, eventId: string, err: unknown) {
  const failure = await dq.recordDispatchFailure(tx, eventId, errorText(err), MAX_DISPATCH_ATTEMPTS);
  if (failure?.failedAt) {
    deps.log.error({ err, eventId, attempts: failure.attempts }, 'workflow dispatch failed for an event too often; it is dead-lettered and will not be retried');
  } else {
    deps.log.warn({ err, eventId, attempts: failure?.attempts, retryAfter: failure?.dispatchAfter }, 'workflow dispatch failed for an event; it will be retried');
  }
}

/** The root cause first (a driver wraps the database's message in its own), at most 2000 characters. */
function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  let root: unknown = err;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const rootMessage = root instanceof Error ? root.message : message;
  return (rootMessage === message ? message : `${rootMessage} (${message})`).slice(0, 2000);
}

async function dispatchEvent(deps: EngineDeps, tx: Executor, event: dq.PendingEvent & { contactId: string }) {
  let enrolled = 0;
  let resumed = 0;
  const workflows = await listTriggeredWorkflows(tx, event.projectId, event.name);
  const cause = workflows.length && event.sourceExecutionId ? await dq.findEventCause(tx, event.projectId, event.sourceExecutionId) : null;
  for (const workflow of workflows) {
    const refusal = chainRefusal(workflow.id, cause);
    if (refusal) {
      await reportLoop(deps, tx, event, workflow, cause!, refusal);
      continue;
    }
    const row = await startExecution(
      deps,
      { projectId: event.projectId, workflowId: workflow.id, contactId: event.contactId, context: event.data ?? {}, sourceEventId: event.id, depth: chainDepth(cause) },
      tx,
    );
    if (row) enrolled++;
  }
  for (const wait of await dq.listWaitsForEvent(tx, event.contactId, event.name)) {
    if (await fulfilWait(deps, tx, wait.executionId, wait.stepExecutionId, event)) resumed++;
  }
  return { enrolled, resumed };
}

/**
 * An enrolment the chain rules refused. Self-triggering is routine (a SEND_EMAIL workflow on
 * email.sent meets its own email every run): a log line. A chain cut at its depth limit is worth the
 * project's attention: also an activity entry, one per cut chain.
 */
async function reportLoop(
  deps: EngineDeps,
  tx: Executor,
  event: dq.PendingEvent & { contactId: string },
  workflow: { id: string; name: string },
  cause: EventCause,
  reason: 'self' | 'depth',
) {
  const where = { eventId: event.id, eventName: event.name, workflowId: workflow.id, sourceExecutionId: cause.executionId, reason };
  deps.log.info(where, 'workflow not enrolled: the event was caused by a workflow execution (loop prevention)');
  if (reason !== 'depth') return;
  await recordActivity(tx, {
    projectId: event.projectId,
    actor: { type: 'system', id: `workflow:${workflow.id}` },
    type: 'workflow.loop_prevented',
    summary: `Workflow "${workflow.name}" not started for "${event.name}": more than ${MAX_WORKFLOW_CHAIN_DEPTH} workflows in a row triggered each other`,
    metadata: { workflowId: workflow.id, contactId: event.contactId, eventId: event.id, sourceExecutionId: cause.executionId, depth: chainDepth(cause) },
  });
}

/**
 * The awaited event arrived: the WAIT_FOR_EVENT step completes with it, its data is shallow-merged
 * into the execution context, and the execution follows the EVENT edge (or completes without one).
 */
async function fulfilWait(deps: EngineDeps, tx: Executor, executionId: string, stepExecutionId: string, event: dq.PendingEvent): Promise<boolean> {
  const execution = await q.lockExecution(tx, executionId);
  if (!execution || execution.status !== 'WAITING') return false;
  const stepExecution = await q.findStepExecutionById(tx, stepExecutionId);
  if (!stepExecution || stepExecution.status !== 'WAITING' || stepExecution.stepId !== execution.currentStepId) return false;
  const now = deps.clock.now();
  const eventData = event.data ?? {};
  await q.updateStepExecution(tx, stepExecution.id, {
    status: 'COMPLETED',
    output: { eventName: event.name, eventData, receivedAt: event.createdAt.toISOString() },
    completedAt: now,
  });
  const context = { ...(execution.context ?? {}), ...eventData };
  await advanceExecution(deps, tx, execution, stepExecution.stepId, 'EVENT', now, { enqueue: true, context });
  return true;
}
