import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/client.js';
import {
  workflowExecutions,
  workflows,
  type WorkflowExecutionRow,
  type WorkflowRow,
} from '../../../db/schema/index.js';

export type NewExecution = typeof workflowExecutions.$inferInsert;

/**
 * Share-locks the workflow for the rest of the enrolling transaction: graph edits hold FOR UPDATE on
 * this row, so the snapshot's steps and transitions (read in separate statements) are one version.
 */
export async function findWorkflowRow(db: Executor, projectId: string, id: string): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.projectId, projectId), eq(workflows.id, id)))
    .for('share');
  return row;
}

/** Enabled EVENT workflows of a project triggered by `eventName` (canonical). */
export async function listTriggeredWorkflows(db: Executor, projectId: string, eventName: string): Promise<WorkflowRow[]> {
  return db
    .select()
    .from(workflows)
    .where(and(eq(workflows.projectId, projectId), eq(workflows.enabled, true), eq(workflows.triggerType, 'EVENT'), eq(workflows.triggerEvent, eventName)))
    .orderBy(asc(workflows.createdAt), asc(workflows.id));
}

/** Whether the contact has any execution of the workflow (`active`: one RUNNING or WAITING). */
export async function findExistingExecution(db: Executor, workflowId: string, contactId: string): Promise<{ any: boolean; active: boolean }> {
  const [row] = await db
    .select({
      any: sql<number>`count(*)::int`,
      active: sql<number>`count(*) filter (where ${workflowExecutions.status} in ('RUNNING', 'WAITING'))::int`,
    })
    .from(workflowExecutions)
    .where(and(eq(workflowExecutions.workflowId, workflowId), eq(workflowExecutions.contactId, contactId)));
  return { any: (row?.any ?? 0) > 0, active: (row?.active ?? 0) > 0 };
}

/**
 * Inserts an execution unless a unique index refuses it: one per (workflow, source event), one per
 * (workflow, reentry guard) and one active per (workflow, contact). Undefined when one did.
 */
export async function insertExecutionIfAllowed(db: Executor, row: NewExecution): Promise<WorkflowExecutionRow | undefined> {
  const [inserted] = await db.insert(workflowExecutions).values(row).onConflictDoNothing().returning();
  return inserted;
}

