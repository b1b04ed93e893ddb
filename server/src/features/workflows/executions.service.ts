import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import type { EngineDeps } from './engine/engine-deps.js';
import { startExecution } from './engine/enrol.service.js';
import {
  toExecutionJson,
  toStepExecutionJson,
  type ExecutionJson,
  type ListExecutionsQuery,
  type StartExecutionBody,
} from './executions.schemas.js';
import * as q from './executions.queries.js';
import { audit, getWorkflow, type WorkflowDeps } from './workflows.service.js';

// A workflow's executions as the API shows them: list, detail (with step executions), cancel one or
// all, and how many sit at each step. Starting one is the engine's startExecution (engine/enrol.service.ts).

const contactOf = (e: q.ExecutionWithContact) => ({ id: e.contactId, email: e.contactEmail });

export async function listExecutionPage(db: Db, projectId: string, workflowId: string, query: ListExecutionsQuery) {
  const workflow = await getWorkflow(db, projectId, workflowId);
  const { page, pageSize } = query;
  const { rows, total } = await q.listExecutionRows(db, projectId, workflow.id, { status: query.status, limit: pageSize, offset: (page - 1) * pageSize });
  return {
    executions: rows.map((e) => ({ ...toExecutionJson(e), contact: contactOf(e) })),
    total,
    page,
    pageSize,
    totalPages: Math.ceil(total / pageSize),
  };
}

async function findExecutionOr404(db: Executor, projectId: string, workflowId: string, executionId: string) {
  const row = isUuid(executionId) ? await q.findExecution(db, projectId, workflowId, executionId.toLowerCase()) : undefined;
  if (!row) throw notFound('WORKFLOW_EXECUTION_NOT_FOUND', 'Workflow execution', executionId);
  return row;
}

/** The execution with its contact, workflow and step executions (named as in its snapshot), oldest step first. */
export async function getExecutionDetail(db: Executor, projectId: string, workflowId: string, executionId: string) {
  const workflow = await getWorkflow(db, projectId, workflowId);
  const execution = await findExecutionOr404(db, projectId, workflow.id, executionId);
  const names = new Map((execution.snapshot?.steps ?? []).map((s) => [s.id, s.name]));
  const steps = await q.listStepExecutions(db, execution.id);
  return {
    ...toExecutionJson(execution),
    contact: contactOf(execution),
    workflow: { id: workflow.id, name: workflow.name },
    steps: steps.map((s) => toStepExecutionJson(s, names.get(s.stepId) ?? null)),
  };
}

/** RUNNING/WAITING → CANCELLED with its open step executions; 409 CONFLICT once it has finished. */
export async function cancelExecution(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, executionId: string): Promise<ExecutionJson> {
  return deps.db.transaction(async (tx) => {
    const workflow = await getWorkflow(tx, ctx.projectId, workflowId);
    const current = isUuid(executionId) ? await q.lockExecution(tx, ctx.projectId, workflow.id, executionId.toLowerCase()) : undefined;
    if (!current) throw notFound('WORKFLOW_EXECUTION_NOT_FOUND', 'Workflow execution', executionId);
    if (current.status !== 'RUNNING' && current.status !== 'WAITING') {
      throw new AppError('CONFLICT', `Execution has already finished (${current.status}): only RUNNING or WAITING executions can be cancelled`, { status: current.status });
    }
    const now = deps.clock.now();
    const [row] = await q.cancelActiveExecutions(tx, ctx.projectId, workflow.id, now, [current.id]);
    await q.cancelOpenStepExecutions(tx, [row.id], now);
    await recordActivity(tx, audit(ctx, 'workflow.execution.cancelled', workflow, `Execution of workflow "${workflow.name}" cancelled`, { executionId: row.id, contactId: row.contactId }));
    return toExecutionJson(row);
  });
}

export async function cancelAllExecutions(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string): Promise<{ cancelled: number }> {
  return deps.db.transaction(async (tx) => {
    const workflow = await getWorkflow(tx, ctx.projectId, workflowId);
    const now = deps.clock.now();
    const rows = await q.cancelActiveExecutions(tx, ctx.projectId, workflow.id, now);
    await q.cancelOpenStepExecutions(
      tx,
      rows.map((r) => r.id),
      now,
    );
    if (rows.length) {
      await recordActivity(tx, audit(ctx, 'workflow.execution.cancelled', workflow, `${rows.length} execution(s) of workflow "${workflow.name}" cancelled`, { cancelled: rows.length }));
    }
    return { cancelled: rows.length };
  });
}

/** `{[stepId]: n}`: active (RUNNING/WAITING) executions whose current step is that step. */
export async function stepExecutionCounts(db: Executor, projectId: string, workflowId: string): Promise<{ counts: Record<string, number> }> {
  const workflow = await getWorkflow(db, projectId, workflowId);
  const rows = await q.countActiveByStep(db, projectId, workflow.id);
  return { counts: Object.fromEntries(rows.map((r) => [r.stepId, r.n])) };
}

/** A manual start (POST /workflows/:id/executions): the engine checks enabled, contact and re-entry. */
export async function startManualExecution(
  deps: Pick<EngineDeps, 'db' | 'queue' | 'clock'>,
  ctx: ProjectActionContext,
  workflowId: string,
  input: StartExecutionBody,
): Promise<ExecutionJson> {
  return deps.db.transaction(async (tx) => {
    const workflow = await getWorkflow(tx, ctx.projectId, workflowId);
    const row = await startExecution(deps, { projectId: ctx.projectId, workflowId: workflow.id, contactId: input.contactId, context: input.context ?? {} }, tx);
    await recordActivity(tx, audit(ctx, 'workflow.execution.started', workflow, `Workflow "${workflow.name}" started manually`, { executionId: row.id, contactId: row.contactId }));
    return toExecutionJson(row);
  });
}
