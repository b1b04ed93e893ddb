import { isUniqueViolation } from '../../core/db-errors.js';
import { AppError, notFound, validationError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor, Tx } from '../../db/client.js';
import type { WorkflowRow, WorkflowStepRow, WorkflowStepType, WorkflowTransitionRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { binaryConditionConfig, branchesOf, multiConditionConfig, STEP_CONFIG_SCHEMAS } from './step-config.js';
import * as gq from './workflow-graph.queries.js';
import { toStepJson, toTransitionJson, type CreateTransitionBody, type StepJson, type TransitionJson } from './workflows.schemas.js';
import { audit, lockWorkflowOr404, type WorkflowDeps } from './workflows.service.js';
import { touchWorkflow } from './workflows.queries.js';

// The structural rules of a workflow graph, enforced on every edit inside one transaction that holds
// the workflow row locked (SELECT … FOR UPDATE): two concurrent edits cannot together create a
// cycle, a second trigger or two edges for one outcome. The unique index on (from_step_id, branch)
// is the last line; its violation answers 400 like the checks here. Step edits: workflow-steps.service.ts.

export interface Graph {
  workflow: WorkflowRow;
  /** Live (not soft-deleted) steps, oldest first. */
  steps: WorkflowStepRow[];
  transitions: WorkflowTransitionRow[];
}

export function graphError(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('INVALID_WORKFLOW_GRAPH', message, details);
}

/** Runs `work` with the workflow locked and its live graph loaded; bumps the workflow's `updatedAt`. */
export async function editGraph<T>(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, work: (tx: Tx, graph: Graph) => Promise<T>): Promise<T> {
  try {
    return await deps.db.transaction(async (tx) => {
      const workflow = await lockWorkflowOr404(tx, ctx.projectId, workflowId);
      const graph = { workflow, steps: await gq.listLiveSteps(tx, workflow.id), transitions: await gq.listTransitions(tx, workflow.id) };
      const result = await work(tx, graph);
      await touchWorkflow(tx, workflow.id);
      return result;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'workflow_transitions_outcome_unique')) throw graphError('That outcome of the step already has a connection');
    throw err;
  }
}

export function stepOr404(graph: Graph, stepId: string, message?: string): WorkflowStepRow {
  const step = isUuid(stepId) ? graph.steps.find((s) => s.id === stepId.toLowerCase()) : undefined;
  if (!step) throw message ? new AppError('WORKFLOW_STEP_NOT_FOUND', message, { id: stepId }) : notFound('WORKFLOW_STEP_NOT_FOUND', 'Workflow step', stepId);
  return step;
}

export function transitionOr404(graph: Graph, transitionId: string): WorkflowTransitionRow {
  const edge = isUuid(transitionId) ? graph.transitions.find((t) => t.id === transitionId.toLowerCase()) : undefined;
  if (!edge) throw notFound('WORKFLOW_TRANSITION_NOT_FOUND', 'Workflow transition', transitionId);
  return edge;
}

/** The config checked against its type's schema (and normalised: canonical event names, defaults); 422 naming `config.<field>`. */
export function parseStepConfig(type: WorkflowStepType, config: Record<string, unknown>): Record<string, unknown> {
  // The CONDITION union would only say "no variant matched": check against the variant `mode` names.
  const schema = type === 'CONDITION' ? (config.mode === 'multi' ? multiConditionConfig : binaryConditionConfig) : STEP_CONFIG_SCHEMAS[type];
  const result = schema.safeParse(config);
  if (!result.success) {
    throw validationError(result.error.issues.map((i) => ({ field: ['config', ...i.path.map(String)].join('.'), message: i.message, code: i.code })));
  }
  return result.data as Record<string, unknown>;
}

/** The stored outcome key of a new edge out of `from`, from the request's `condition` / `waitOutcome`. */
export function branchFor(from: WorkflowStepRow, input: Pick<CreateTransitionBody, 'condition' | 'waitOutcome'>): string | null {
  const outcomes = branchesOf(from.type, from.config);
  const branch = input.condition?.branch;
  if (!outcomes) {
    if (branch || input.waitOutcome) throw graphError(`A ${from.type} step has a single plain outgoing connection: it takes no condition branch or wait outcome`);
    return null;
  }
  if (from.type === 'CONDITION') {
    if (input.waitOutcome) throw graphError('waitOutcome is for WAIT_FOR_EVENT steps: a CONDITION step takes condition.branch');
    if (!branch) throw graphError(`A connection from a CONDITION step needs condition.branch: one of ${outcomes.join(', ')}`);
    if (!outcomes.includes(branch)) throw graphError(`"${branch}" is not a branch of step "${from.name}": use one of ${outcomes.join(', ')}`);
    return branch;
  }
  if (branch) throw graphError('A WAIT_FOR_EVENT step takes waitOutcome (EVENT or TIMEOUT), not condition.branch');
  if (!input.waitOutcome) throw graphError('A connection from a WAIT_FOR_EVENT step needs waitOutcome: EVENT or TIMEOUT');
  if (!outcomes.includes(input.waitOutcome)) throw graphError('A TIMEOUT connection needs the wait step to have a timeout');
  return input.waitOutcome;
}

/** Whether `target` can be reached from `start` over the graph's edges. */
function reaches(transitions: WorkflowTransitionRow[], start: string, target: string): boolean {
  const next = new Map<string, string[]>();
  for (const t of transitions) next.set(t.fromStepId, [...(next.get(t.fromStepId) ?? []), t.toStepId]);
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** The rules about the two ends of an edge, whatever outcome it follows. */
export function assertEndpoints(from: WorkflowStepRow, to: WorkflowStepRow): void {
  if (from.id === to.id) throw graphError('A step cannot be connected to itself');
  if (from.type === 'EXIT') throw graphError('An EXIT step ends the flow: nothing can follow it');
  if (to.type === 'TRIGGER') throw graphError('Nothing can lead into the trigger step');
}

/** Every rule a new edge from → to (following `branch`) must pass. */
export function assertEdgeAllowed(graph: Graph, from: WorkflowStepRow, to: WorkflowStepRow, branch: string | null): void {
  assertEndpoints(from, to);
  const taken = graph.transitions.find((t) => t.fromStepId === from.id && (t.branch ?? '') === (branch ?? ''));
  if (taken) {
    if (branch === null) throw graphError(`Step "${from.name}" already leads to another step: a ${from.type} step has one outgoing connection`, { transitionId: taken.id });
    const what = from.type === 'WAIT_FOR_EVENT' ? `The ${branch} outcome` : `Branch "${branch}"`;
    throw graphError(`${what} of step "${from.name}" already exists`, { transitionId: taken.id });
  }
  if (reaches(graph.transitions, to.id, from.id)) throw graphError(`Connecting "${from.name}" to "${to.name}" would create a loop: a workflow cannot go back to an earlier step`);
}

/** Refuses a config change that removes an outcome an edge still follows (a timeout, a branch). */
export function assertOutcomesKept(graph: Graph, step: WorkflowStepRow, config: Record<string, unknown>): void {
  const allowed = branchesOf(step.type, config);
  for (const edge of graph.transitions.filter((t) => t.fromStepId === step.id && t.branch !== null)) {
    if (allowed?.includes(edge.branch!)) continue;
    if (edge.branch === 'TIMEOUT') throw graphError('Remove the TIMEOUT connection of this wait step before removing its timeout', { transitionId: edge.id });
    throw graphError(`Branch "${edge.branch}" still has a connection: remove it before removing the branch`, { transitionId: edge.id });
  }
}

/** A step as JSON, with its template's `{id, name, subject}`. */
export async function stepWithTemplate(db: Executor, projectId: string, step: WorkflowStepRow): Promise<StepJson> {
  const [template] = step.templateId ? await gq.templateSummaries(db, projectId, [step.templateId]) : [];
  return toStepJson(step, template ?? null);
}

export function graphAudit(ctx: ProjectActionContext, workflow: WorkflowRow, summary: string, extra: Record<string, unknown> = {}) {
  return audit(ctx, 'workflow.updated', workflow, `Workflow "${workflow.name}": ${summary}`, extra);
}

export async function addTransition(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, input: CreateTransitionBody): Promise<TransitionJson> {
  return editGraph(deps, ctx, workflowId, async (tx, graph) => {
    const notFoundMessage = 'One or both steps not found in this workflow';
    const from = stepOr404(graph, input.fromStepId, notFoundMessage);
    const to = stepOr404(graph, input.toStepId, notFoundMessage);
    assertEndpoints(from, to);
    const branch = branchFor(from, input);
    assertEdgeAllowed(graph, from, to, branch);
    const row = await gq.insertTransition(tx, { workflowId: graph.workflow.id, fromStepId: from.id, toStepId: to.id, branch, priority: input.priority ?? 0 });
    await recordActivity(tx, graphAudit(ctx, graph.workflow, `"${from.name}" connected to "${to.name}"${branch ? ` (${branch})` : ''}`, { transitionId: row.id }));
    return toTransitionJson(row, from.type);
  });
}

export async function deleteTransition(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, transitionId: string): Promise<void> {
  await editGraph(deps, ctx, workflowId, async (tx, graph) => {
    const edge = transitionOr404(graph, transitionId);
    await gq.deleteTransitionRow(tx, graph.workflow.id, edge.id);
    await recordActivity(tx, graphAudit(ctx, graph.workflow, 'connection removed', { transitionId: edge.id }));
  });
}
