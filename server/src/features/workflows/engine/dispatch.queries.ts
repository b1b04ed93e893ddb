import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { events, workflowExecutions, workflowStepExecutions } from '../../../db/schema/index.js';

// The workflow outbox: events the `events_mark_dispatch` trigger flagged (migration 0009).

export interface PendingEvent {
  id: string;
  projectId: string;
  contactId: string | null;
  name: string;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

/** Oldest flagged events, locked; rows another dispatcher holds are skipped, so each is handled once. */
export async function lockPendingEvents(db: Executor, limit: number): Promise<PendingEvent[]> {
  return db
    .select({ id: events.id, projectId: events.projectId, contactId: events.contactId, name: events.name, data: events.data, createdAt: events.createdAt })
    .from(events)
    .where(eq(events.dispatchPending, true))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function clearDispatchPending(db: Executor, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.update(events).set({ dispatchPending: false }).where(inArray(events.id, ids));
}

/** The contact's WAITING WAIT_FOR_EVENT steps for `eventName` (whose executions still wait). */
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
    .orderBy(asc(workflowStepExecutions.startedAt));
}
