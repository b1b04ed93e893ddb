import type { Executor } from '../../../db/client.js';
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
// event enrols nobody twice: the unique (workflow, source event) index says no.

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
    for (const event of await dq.lockPendingEvents(tx, limit)) {
      result.events++;
      if (event.contactId) {
        try {
          // A savepoint per event: one that fails stays flagged (retried next sweep) without undoing the rest.
          const r = await tx.transaction((sp) => dispatchEvent(deps, sp, { ...event, contactId: event.contactId! }));
          result.enrolled += r.enrolled;
          result.resumed += r.resumed;
        } catch (err) {
          result.failed++;
          deps.log.error({ err, eventId: event.id }, 'workflow dispatch failed for an event; it stays pending');
          continue;
        }
      }
      handled.push(event.id);
    }
    await dq.clearDispatchPending(tx, handled);
    return result;
  });
}

async function dispatchEvent(deps: EngineDeps, tx: Executor, event: dq.PendingEvent & { contactId: string }) {
  let enrolled = 0;
  let resumed = 0;
  for (const workflow of await listTriggeredWorkflows(tx, event.projectId, event.name)) {
    const row = await startExecution(
      deps,
      { projectId: event.projectId, workflowId: workflow.id, contactId: event.contactId, context: event.data ?? {}, sourceEventId: event.id },
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
