import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { events, workflowExecutions, workflowStepExecutions } from '../../../db/schema/index.js';
import type { EventCause } from './chain.js';

// The workflow outbox: events the `events_mark_dispatch` trigger flagged (migrations 0009, 0010).

export interface PendingEvent {
  id: string;
  projectId: string;
  contactId: string | null;
  name: string;
  data: Record<string, unknown> | null;
  createdAt: Date;
  /** The workflow execution whose step caused the event (see chain.ts). */
  sourceExecutionId: string | null;
}

/**
 * Oldest flagged events that are due (not backing off after a failed dispatch), locked; rows another
 * dispatcher holds are skipped, so each is handled once.
 */
export async function lockPendingEvents(db: Executor, limit: number): Promise<PendingEvent[]> {
  return db
    .select({
      id: events.id,
      projectId: events.projectId,
      contactId: events.contactId,
      name: events.name,
      data: events.data,
      createdAt: events.createdAt,
      sourceExecutionId: events.sourceExecutionId,
    })
    .from(events)
    .where(and(eq(events.dispatchPending, true), or(isNull(events.dispatchAfter), lte(events.dispatchAfter, sql`now()`))))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function clearDispatchPending(db: Executor, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.update(events).set({ dispatchPending: false }).where(inArray(events.id, ids));
}

/**
 * A failed dispatch: one more attempt counted, the error kept, and the next try not before
 * now + min(60 s · 2^(attempts-1), 1 h) by the database clock. The `maxAttempts`-th failure takes the
 * event out of the outbox for good (dead-lettered: `dispatch_failed_at`).
 */
export async function recordDispatchFailure(db: Executor, id: string, error: string, maxAttempts: number) {
  // SET expressions read the row as it was: `dispatch_attempts` here is the count before this failure.
  const last = sql`${events.dispatchAttempts} + 1 >= ${maxAttempts}`;
  const [row] = await db
    .update(events)
    .set({
      dispatchAttempts: sql`${events.dispatchAttempts} + 1`,
      dispatchError: error.slice(0, 2000),
      dispatchAfter: sql`now() + least(interval '60 seconds' * power(2, ${events.dispatchAttempts}), interval '1 hour')`,
      dispatchPending: sql`not (${last})`,
      dispatchFailedAt: sql`case when ${last} then now() end`,
    })
    .where(eq(events.id, id))
    .returning({ attempts: events.dispatchAttempts, dispatchAfter: events.dispatchAfter, failedAt: events.dispatchFailedAt });
  return row;
}

/** The execution that caused an event; a vanished one (workflow deleted) counts as depth 0 of no workflow. */
export async function findEventCause(db: Executor, projectId: string, executionId: string): Promise<EventCause> {
  const [row] = await db
    .select({ workflowId: workflowExecutions.workflowId, depth: workflowExecutions.depth })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.projectId, projectId), eq(workflowExecutions.id, executionId)));
  return { executionId, workflowId: row?.workflowId ?? null, depth: row?.depth ?? 0 };
}

/**
 * Locks, in id order, the WAITING executions with a WAITING step for one of the (contact, event name)
 * pairs: those a dispatch batch may resume. Whoever locks several executions takes them in id order
 * (cancel-all too), so two such transactions never deadlock.
 */
export async function lockWaitingExecutions(db: Executor, waits: { contactId: string; eventName: string }[]): Promise<void> {
  const pairs = [...new Map(waits.map((w) => [`${w.contactId}\n${w.eventName}`, w])).values()];
  if (!pairs.length) return;
  const waiting = db
    .select({ id: workflowStepExecutions.executionId })
    .from(workflowStepExecutions)
    .where(
      and(
        eq(workflowStepExecutions.status, 'WAITING'),
        or(...pairs.map((p) => and(eq(workflowStepExecutions.contactId, p.contactId), eq(workflowStepExecutions.waitEvent, p.eventName)))),
      ),
    );
  await db
    .select({ id: workflowExecutions.id })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.status, 'WAITING'), inArray(workflowExecutions.id, waiting)))
    .orderBy(asc(workflowExecutions.id))
    .for('update');
}

/**
 * The contact's WAITING WAIT_FOR_EVENT steps for `eventName` (whose executions still wait), in
 * execution id order: the dispatcher locks their executions one after another, and every path that
 * locks several executions (this, cancel-all) takes them in that order, so two never deadlock.
 */
export async function listWaitsForEvent(db: Executor, contactId: string, eventName: string) {
  return db
    .select({ stepExecutionId: workflowStepExecutions.id, executionId: workflowStepExecutions.executionId })
    .from(workflowStepExecutions)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, workflowStepExecutions.executionId))
    .where(
      and(
        eq(workflowStepExecutions.contactId, contactId),
        eq(workflowStepExecutions.status, 'WAITING'),
        eq(workflowStepExecutions.waitEvent, eventName),
        sql`${workflowExecutions.status} = 'WAITING'`,
      ),
    )
    .orderBy(asc(workflowStepExecutions.executionId), asc(workflowStepExecutions.startedAt));
}
