import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import { workflowExecutions, workflowStepExecutions, type StepExecutionRow, type WorkflowExecutionRow, type WorkflowStepType } from '../../../db/schema/index.js';

// Rows of one execution. Protocol: every change to an execution or its step executions happens in a
// transaction that holds the execution row lock (lockExecution) — the runner, the dispatcher, the
// resume sweep and cancel all serialise on it.

export type NewStepExecution = typeof workflowStepExecutions.$inferInsert;
export type ExecutionChanges = Partial<Pick<WorkflowExecutionRow, 'status' | 'currentStepId' | 'exitReason' | 'error' | 'context' | 'completedAt'>>;
export type StepExecutionChanges = Partial<Pick<StepExecutionRow, 'status' | 'resumeAt' | 'waitEvent' | 'output' | 'error' | 'completedAt'>>;

/**
 * Attributes every event inserted for the rest of this transaction to the execution (the
 * `events_mark_dispatch` trigger reads the setting, migration 0010). `is_local`: it ends with the
 * transaction, so it never reaches other work on the same pooled (or the single PGlite) connection; set
 * before any savepoint, it holds inside them too.
 */
export async function markEventsCausedBy(db: Executor, executionId: string): Promise<void> {
  await db.execute(sql`select set_config('mailwright.execution_id', ${executionId}, true)`);
}

export async function lockExecution(db: Executor, id: string): Promise<WorkflowExecutionRow | undefined> {
  const [row] = await db.select().from(workflowExecutions).where(eq(workflowExecutions.id, id)).for('update');
  return row;
}

export async function updateExecution(db: Executor, id: string, changes: ExecutionChanges, now: Date): Promise<void> {
  await db
    .update(workflowExecutions)
    .set({ ...changes, updatedAt: now })
    .where(eq(workflowExecutions.id, id));
}

export async function findStepExecution(db: Executor, executionId: string, stepId: string): Promise<StepExecutionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowStepExecutions)
    .where(and(eq(workflowStepExecutions.executionId, executionId), eq(workflowStepExecutions.stepId, stepId)));
  return row;
}

export async function findStepExecutionById(db: Executor, id: string): Promise<StepExecutionRow | undefined> {
  const [row] = await db.select().from(workflowStepExecutions).where(eq(workflowStepExecutions.id, id));
  return row;
}

/** A step runs at most once per execution: undefined when (execution, step) already has a row. */
/** Starts the execution's current step (RUNNING); undefined when that step already ran in this execution. */
export async function insertStepExecution(
  db: Executor,
  execution: WorkflowExecutionRow,
  step: { id: string; type: WorkflowStepType },
  startedAt: Date,
): Promise<StepExecutionRow | undefined> {
  const row: NewStepExecution = {
    executionId: execution.id,
    projectId: execution.projectId,
    workflowId: execution.workflowId,
    contactId: execution.contactId,
    stepId: step.id,
    stepType: step.type,
    status: 'RUNNING',
    startedAt,
  };
  const [inserted] = await db
    .insert(workflowStepExecutions)
    .values(row)
    .onConflictDoNothing({ target: [workflowStepExecutions.executionId, workflowStepExecutions.stepId] })
    .returning();
  return inserted;
}

export async function updateStepExecution(db: Executor, id: string, changes: StepExecutionChanges): Promise<void> {
  await db.update(workflowStepExecutions).set(changes).where(eq(workflowStepExecutions.id, id));
}

/** Restarts a WEBHOOK step execution whose worker died mid-call (at-least-once). */
export async function restartStepExecution(db: Executor, id: string, now: Date): Promise<void> {
  await db.update(workflowStepExecutions).set({ startedAt: now, error: null, output: null }).where(eq(workflowStepExecutions.id, id));
}
