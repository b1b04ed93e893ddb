import { and, count, desc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { workflowExecutions, workflows, type WorkflowExecutionStatus, type WorkflowRow } from '../../db/schema/index.js';

// Workflow rows. Steps and transitions are in workflow-graph.queries.ts, executions in executions.queries.ts.

export type NewWorkflow = typeof workflows.$inferInsert;
export type WorkflowChanges = Partial<Pick<NewWorkflow, 'name' | 'description' | 'enabled' | 'allowReentry' | 'triggerEvent'>>;

export interface WorkflowListFilter {
  search?: string;
  enabled?: boolean;
  limit: number;
  offset: number;
}

export type WorkflowWithCounts = WorkflowRow & { stepCount: number; executionCount: number };

export async function insertWorkflow(db: Executor, row: NewWorkflow): Promise<WorkflowRow> {
  const [workflow] = await db.insert(workflows).values(row).returning();
  return workflow;
}

export async function findWorkflow(db: Executor, projectId: string, id: string): Promise<WorkflowRow | undefined> {
  const [row] = await db.select().from(workflows).where(and(eq(workflows.projectId, projectId), eq(workflows.id, id)));
  return row;
}

/** Locks the row: every edit of one workflow's definition (graph included) runs one after the other. */
export async function lockWorkflow(db: Executor, projectId: string, id: string): Promise<WorkflowRow | undefined> {
  const [row] = await db.select().from(workflows).where(and(eq(workflows.projectId, projectId), eq(workflows.id, id))).for('update');
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listWorkflowRows(db: Executor, projectId: string, f: WorkflowListFilter): Promise<{ rows: WorkflowWithCounts[]; total: number }> {
  const conditions: SQL[] = [eq(workflows.projectId, projectId)];
  if (f.search) conditions.push(ilike(workflows.name, `%${escapeLike(f.search)}%`));
  if (f.enabled !== undefined) conditions.push(eq(workflows.enabled, f.enabled));
  const where = and(...conditions);
  const rows = await db
    .select({
      workflow: workflows,
      stepCount: sql<number>`(select count(*)::int from workflow_steps s where s.workflow_id = "workflows"."id" and s.deleted_at is null)`,
      executionCount: sql<number>`(select count(*)::int from workflow_executions e where e.workflow_id = "workflows"."id")`,
    })
    .from(workflows)
    .where(where)
    .orderBy(desc(workflows.createdAt), desc(workflows.id))
    .limit(f.limit)
    .offset(f.offset);
  const [{ total }] = await db.select({ total: count() }).from(workflows).where(where);
  return { rows: rows.map((r) => ({ ...r.workflow, stepCount: Number(r.stepCount), executionCount: Number(r.executionCount) })), total: Number(total) };
}

export async function countWorkflowParts(db: Executor, workflowId: string): Promise<{ steps: number; executions: number }> {
  const [row] = await queryRows<{ steps: number; executions: number }>(
    db,
    sql`select (select count(*)::int from workflow_steps where workflow_id = ${workflowId} and deleted_at is null) as steps,
               (select count(*)::int from workflow_executions where workflow_id = ${workflowId}) as executions`,
  );
  return { steps: Number(row.steps), executions: Number(row.executions) };
}

export async function updateWorkflowRow(db: Executor, projectId: string, id: string, changes: WorkflowChanges): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .update(workflows)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(workflows.projectId, projectId), eq(workflows.id, id)))
    .returning();
  return row;
}

/** Bumps `updated_at` after a graph edit. */
export async function touchWorkflow(db: Executor, id: string): Promise<void> {
  await db.update(workflows).set({ updatedAt: sql`now()` }).where(eq(workflows.id, id));
}

export async function deleteWorkflowRow(db: Executor, projectId: string, id: string): Promise<void> {
  await db.delete(workflows).where(and(eq(workflows.projectId, projectId), eq(workflows.id, id)));
}

/** Executions of the workflow, optionally only those in the given states. */
export async function countExecutions(db: Executor, workflowId: string, statuses?: WorkflowExecutionStatus[]): Promise<number> {
  const conditions: SQL[] = [eq(workflowExecutions.workflowId, workflowId)];
  if (statuses) conditions.push(inArray(workflowExecutions.status, statuses));
  const [row] = await db.select({ n: count() }).from(workflowExecutions).where(and(...conditions));
  return Number(row?.n ?? 0);
}

/** Top-level keys of `data` in the project's last `limit` events with one of these names. */
export async function recentEventDataKeys(db: Executor, projectId: string, names: string[], limit = 100): Promise<string[]> {
  if (!names.length) return [];
  const nameList = sql.join(
    names.map((n) => sql`${n}`),
    sql`, `,
  );
  const rows = await queryRows<{ key: string }>(
    db,
    sql`select distinct k.key from (
          select data from events
          where project_id = ${projectId} and name in (${nameList})
          order by created_at desc limit ${limit}
        ) recent, lateral jsonb_object_keys(case when jsonb_typeof(recent.data) = 'object' then recent.data else '{}'::jsonb end) as k(key)
        order by k.key`,
  );
  return rows.map((r) => r.key);
}
