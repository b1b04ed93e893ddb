import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { workflowExecutions, workflowStepExecutions } from '../../../db/schema/index.js';

/**
 * Due DELAY (SCHEDULED) and timed-out WAIT_FOR_EVENT (WAITING) steps of waiting executions, with the
 * execution rows locked; executions another transaction holds (a dispatcher, a cancel) are skipped.
 */
export async function lockDueSteps(db: Executor, now: Date, limit: number) {
  return db
    .select({
      stepExecutionId: workflowStepExecutions.id,
      executionId: workflowStepExecutions.executionId,
      stepId: workflowStepExecutions.stepId,
    })
    .from(workflowStepExecutions)
    .innerJoin(workflowExecutions, eq(workflowExecutions.id, workflowStepExecutions.executionId))
    .where(
      and(
        inArray(workflowStepExecutions.status, ['SCHEDULED', 'WAITING']),
        isNotNull(workflowStepExecutions.resumeAt),
        lte(workflowStepExecutions.resumeAt, now),
        eq(workflowExecutions.status, 'WAITING'),
      ),
    )
    .orderBy(asc(workflowStepExecutions.resumeAt))
    .limit(limit)
    .for('update', { of: workflowExecutions, skipLocked: true });
}

/** RUNNING executions untouched since `before`: their run job was lost (the poller re-kicks them). */
export async function lockStalledRuns(db: Executor, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: workflowExecutions.id })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.status, 'RUNNING'), sql`${workflowExecutions.updatedAt} < ${before.toISOString()}::timestamptz`))
    .orderBy(asc(workflowExecutions.updatedAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return rows.map((r) => r.id);
}

export async function touchExecutions(db: Executor, ids: string[], now: Date): Promise<void> {
  if (!ids.length) return;
  await db.update(workflowExecutions).set({ updatedAt: now }).where(inArray(workflowExecutions.id, ids));
}
