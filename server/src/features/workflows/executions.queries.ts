import { and, asc, count, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import {
  contacts,
  workflowExecutions,
  workflowStepExecutions,
  type StepExecutionRow,
  type WorkflowExecutionRow,
  type WorkflowExecutionStatus,
} from '../../db/schema/index.js';
import { uuidArrayLiteral } from '../../db/uuid-array.js';

// Execution rows as the API reads and cancels them; running them is the engine's (engine/*).

const ACTIVE: WorkflowExecutionStatus[] = ['RUNNING', 'WAITING'];
const OPEN_STEP_STATUSES = ['SCHEDULED', 'WAITING', 'RUNNING'] as const;

export type ExecutionWithContact = WorkflowExecutionRow & { contactEmail: string };

export interface ExecutionListFilter {
  status?: WorkflowExecutionStatus;
  limit: number;
  offset: number;
}

const scope = (projectId: string, workflowId: string) => [eq(workflowExecutions.projectId, projectId), eq(workflowExecutions.workflowId, workflowId)];

export async function listExecutionRows(
  db: Executor,
  projectId: string,
  workflowId: string,
  f: ExecutionListFilter,
): Promise<{ rows: ExecutionWithContact[]; total: number }> {
  const conditions: SQL[] = scope(projectId, workflowId);
  if (f.status) conditions.push(eq(workflowExecutions.status, f.status));
  const where = and(...conditions);
  const rows = await db
    .select({ execution: workflowExecutions, contactEmail: contacts.email })
    .from(workflowExecutions)
    .innerJoin(contacts, eq(contacts.id, workflowExecutions.contactId))
    .where(where)
    .orderBy(desc(workflowExecutions.startedAt), desc(workflowExecutions.id))
    .limit(f.limit)
    .offset(f.offset);
  const [{ total }] = await db.select({ total: count() }).from(workflowExecutions).where(where);
  return { rows: rows.map((r) => ({ ...r.execution, contactEmail: r.contactEmail })), total: Number(total) };
}

export async function findExecution(db: Executor, projectId: string, workflowId: string, id: string): Promise<ExecutionWithContact | undefined> {
  const [row] = await db
    .select({ execution: workflowExecutions, contactEmail: contacts.email })
    .from(workflowExecutions)
    .innerJoin(contacts, eq(contacts.id, workflowExecutions.contactId))
    .where(and(...scope(projectId, workflowId), eq(workflowExecutions.id, id)));
  return row && { ...row.execution, contactEmail: row.contactEmail };
}

/** Locks the row: the engine changes an execution only while holding the same lock. */
export async function lockExecution(db: Executor, projectId: string, workflowId: string, id: string): Promise<WorkflowExecutionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowExecutions)
    .where(and(...scope(projectId, workflowId), eq(workflowExecutions.id, id)))
    .for('update');
  return row;
}

export async function listStepExecutions(db: Executor, executionId: string): Promise<StepExecutionRow[]> {
  return db
    .select()
    .from(workflowStepExecutions)
    .where(eq(workflowStepExecutions.executionId, executionId))
    .orderBy(asc(workflowStepExecutions.startedAt), asc(workflowStepExecutions.id));
}

/**
 * RUNNING/WAITING executions → CANCELLED (all of the workflow's, or the given ones); returns those changed.
 * The rows are locked first, in id order: the engine's dispatcher locks the executions it resumes in
 * the same order, so the two wait for each other instead of deadlocking. A row whose lock it waited for
 * is re-checked (still active?) once it has the lock.
 */
export async function cancelActiveExecutions(db: Executor, projectId: string, workflowId: string, at: Date, ids?: string[]): Promise<WorkflowExecutionRow[]> {
  const conditions: SQL[] = [...scope(projectId, workflowId), inArray(workflowExecutions.status, ACTIVE)];
  if (ids) conditions.push(inArray(workflowExecutions.id, ids));
  // One statement however many rows: the sub-select locks them (sorted, then locked one by one).
  const locked = db
    .select({ id: workflowExecutions.id })
    .from(workflowExecutions)
    .where(and(...conditions))
    .orderBy(asc(workflowExecutions.id))
    .for('update');
  return db
    .update(workflowExecutions)
    .set({ status: 'CANCELLED', completedAt: at, updatedAt: at })
    .where(and(inArray(workflowExecutions.id, locked), inArray(workflowExecutions.status, ACTIVE)))
    .returning();
}

/** The executions' unfinished step executions (a pending delay or wait, or one cut short) → CANCELLED. */
export async function cancelOpenStepExecutions(db: Executor, executionIds: string[], at: Date): Promise<void> {
  if (!executionIds.length) return;
  await db
    .update(workflowStepExecutions)
    .set({ status: 'CANCELLED', completedAt: at })
    // One array parameter rather than one per id: a cancel-all may cover any number of executions.
    .where(and(sql`${workflowStepExecutions.executionId} = any(${uuidArrayLiteral(executionIds)}::uuid[])`, inArray(workflowStepExecutions.status, [...OPEN_STEP_STATUSES])));
}

/** Active executions per current step. */
export async function countActiveByStep(db: Executor, projectId: string, workflowId: string): Promise<{ stepId: string; n: number }[]> {
  const rows = await db
    .select({ stepId: workflowExecutions.currentStepId, n: sql<number>`count(*)::int` })
    .from(workflowExecutions)
    .where(and(...scope(projectId, workflowId), inArray(workflowExecutions.status, ACTIVE), isNotNull(workflowExecutions.currentStepId)))
    .groupBy(workflowExecutions.currentStepId);
  return rows.map((r) => ({ stepId: r.stepId!, n: Number(r.n) }));
}
