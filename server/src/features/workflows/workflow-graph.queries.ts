import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { templates, workflowSteps, workflowTransitions, type WorkflowStepRow, type WorkflowTransitionRow } from '../../db/schema/index.js';

// Steps and transitions of one workflow. Callers have checked (and usually locked) the workflow row of
// their project first, so these are keyed by workflow id. Deleted steps stay (soft delete) for the
// executions whose snapshots still name them; every read here skips them.

export type NewStep = typeof workflowSteps.$inferInsert;
export type StepChanges = Partial<Pick<NewStep, 'name' | 'position' | 'config' | 'templateId'>>;
export type NewTransition = typeof workflowTransitions.$inferInsert;

export async function insertStep(db: Executor, row: NewStep): Promise<WorkflowStepRow> {
  const [step] = await db.insert(workflowSteps).values(row).returning();
  return step;
}

export async function findLiveStep(db: Executor, workflowId: string, stepId: string): Promise<WorkflowStepRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowSteps)
    .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.id, stepId), isNull(workflowSteps.deletedAt)));
  return row;
}

/** Live steps, oldest first. */
export async function listLiveSteps(db: Executor, workflowId: string): Promise<WorkflowStepRow[]> {
  return db
    .select()
    .from(workflowSteps)
    .where(and(eq(workflowSteps.workflowId, workflowId), isNull(workflowSteps.deletedAt)))
    .orderBy(asc(workflowSteps.createdAt), asc(workflowSteps.id));
}

export async function findTriggerStep(db: Executor, workflowId: string): Promise<WorkflowStepRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowSteps)
    .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.type, 'TRIGGER'), isNull(workflowSteps.deletedAt)))
    .limit(1);
  return row;
}

export async function updateStepRow(db: Executor, workflowId: string, stepId: string, changes: StepChanges): Promise<WorkflowStepRow | undefined> {
  const [row] = await db
    .update(workflowSteps)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.id, stepId)))
    .returning();
  return row;
}

export async function softDeleteStep(db: Executor, workflowId: string, stepId: string, at: Date): Promise<void> {
  await db
    .update(workflowSteps)
    .set({ deletedAt: at, updatedAt: sql`now()` })
    .where(and(eq(workflowSteps.workflowId, workflowId), eq(workflowSteps.id, stepId)));
}

/** `{id, name, subject}` of the project's templates among `ids` (a step may name a since-deleted one). */
export async function templateSummaries(db: Executor, projectId: string, ids: string[]): Promise<{ id: string; name: string; subject: string }[]> {
  if (!ids.length) return [];
  return db
    .select({ id: templates.id, name: templates.name, subject: templates.subject })
    .from(templates)
    .where(and(eq(templates.projectId, projectId), inArray(templates.id, ids)));
}

export async function insertTransition(db: Executor, row: NewTransition): Promise<WorkflowTransitionRow> {
  const [transition] = await db.insert(workflowTransitions).values(row).returning();
  return transition;
}

export async function findTransition(db: Executor, workflowId: string, id: string): Promise<WorkflowTransitionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowTransitions)
    .where(and(eq(workflowTransitions.workflowId, workflowId), eq(workflowTransitions.id, id)));
  return row;
}

/** The workflow's edges, by source then priority (edges of deleted steps are deleted with them). */
export async function listTransitions(db: Executor, workflowId: string): Promise<WorkflowTransitionRow[]> {
  return db
    .select()
    .from(workflowTransitions)
    .where(eq(workflowTransitions.workflowId, workflowId))
    .orderBy(asc(workflowTransitions.fromStepId), asc(workflowTransitions.priority), asc(workflowTransitions.createdAt), asc(workflowTransitions.id));
}

export async function retargetTransition(db: Executor, workflowId: string, id: string, toStepId: string): Promise<WorkflowTransitionRow> {
  const [row] = await db
    .update(workflowTransitions)
    .set({ toStepId })
    .where(and(eq(workflowTransitions.workflowId, workflowId), eq(workflowTransitions.id, id)))
    .returning();
  return row;
}

export async function deleteTransitionRow(db: Executor, workflowId: string, id: string): Promise<void> {
  await db.delete(workflowTransitions).where(and(eq(workflowTransitions.workflowId, workflowId), eq(workflowTransitions.id, id)));
}

export async function deleteTransitionsOfStep(db: Executor, workflowId: string, stepId: string): Promise<void> {
  await db
    .delete(workflowTransitions)
    .where(and(eq(workflowTransitions.workflowId, workflowId), or(eq(workflowTransitions.fromStepId, stepId), eq(workflowTransitions.toStepId, stepId))));
}
