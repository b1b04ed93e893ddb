import { isDeepStrictEqual } from 'node:util';
import { validationError } from '../../core/errors.js';
import type { Executor } from '../../db/client.js';
import type { WorkflowStepRow, WorkflowStepType } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { getTemplate } from '../templates/templates.service.js';
import { branchesOf } from './step-config.js';
import {
  assertOutcomesKept,
  editGraph,
  graphAudit,
  graphError,
  parseStepConfig,
  stepOr404,
  stepWithTemplate,
  transitionOr404,
  type Graph,
} from './workflow-graph.service.js';
import * as gq from './workflow-graph.queries.js';
import { toTransitionJson, type CreateStepBody, type InsertStepBody, type StepJson, type TransitionJson, type UpdateStepBody } from './workflows.schemas.js';
import type { WorkflowDeps } from './workflows.service.js';

// Adding, editing, deleting and inserting steps (contract issue 7). Every edit runs through
// editGraph: one transaction, the workflow row locked, the rules of workflow-graph.service.ts.

/** The template a step sends: SEND_EMAIL only, and the project's own (404 TEMPLATE_NOT_FOUND otherwise). */
async function resolveTemplate(db: Executor, projectId: string, type: WorkflowStepType, templateId: string | null | undefined): Promise<string | null | undefined> {
  if (templateId === undefined || templateId === null) return templateId;
  if (type !== 'SEND_EMAIL') throw validationError([{ field: 'templateId', code: 'custom', message: 'Only SEND_EMAIL steps have a template' }]);
  return (await getTemplate(db, projectId, templateId)).id;
}

/** The step a new one is appended to: no outgoing edge, not EXIT, not branching; the newest such. */
function lastStep(graph: Graph): WorkflowStepRow | undefined {
  const open = graph.steps.filter(
    (s) => s.type !== 'EXIT' && branchesOf(s.type, s.config) === null && !graph.transitions.some((t) => t.fromStepId === s.id),
  );
  return open[open.length - 1];
}

export async function addStep(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, input: CreateStepBody): Promise<StepJson> {
  const config = parseStepConfig(input.type, input.config);
  return editGraph(deps, ctx, workflowId, async (tx, graph) => {
    if (input.type === 'TRIGGER' && graph.steps.some((s) => s.type === 'TRIGGER')) throw graphError('This workflow already has a trigger step');
    const templateId = await resolveTemplate(tx, ctx.projectId, input.type, input.templateId);
    const from = input.autoConnect && input.type !== 'TRIGGER' ? lastStep(graph) : undefined;
    const step = await gq.insertStep(tx, {
      workflowId: graph.workflow.id,
      projectId: ctx.projectId,
      type: input.type,
      name: input.name,
      position: input.position,
      config,
      templateId: templateId ?? null,
    });
    if (from) await gq.insertTransition(tx, { workflowId: graph.workflow.id, fromStepId: from.id, toStepId: step.id, branch: null, priority: 0 });
    await recordActivity(tx, graphAudit(ctx, graph.workflow, `${step.type} step "${step.name}" added`, { stepId: step.id }));
    return stepWithTemplate(tx, ctx.projectId, step);
  });
}

export async function updateStep(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, stepId: string, input: UpdateStepBody): Promise<StepJson> {
  return editGraph(deps, ctx, workflowId, async (tx, graph) => {
    const step = stepOr404(graph, stepId);
    const changes: gq.StepChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.position !== undefined) changes.position = input.position;
    if (input.config !== undefined) {
      const config = parseStepConfig(step.type, input.config);
      if (step.type === 'TRIGGER' && !isDeepStrictEqual(config, step.config)) {
        throw validationError([{ field: 'config.eventName', code: 'custom', message: "The trigger's event is changed with PATCH /workflows/:id {eventName}" }]);
      }
      assertOutcomesKept(graph, step, config);
      changes.config = config;
    }
    if (input.templateId !== undefined) changes.templateId = (await resolveTemplate(tx, ctx.projectId, step.type, input.templateId)) ?? null;
    const row = (await gq.updateStepRow(tx, graph.workflow.id, step.id, changes))!;
    // Moving a node on the canvas is not worth an audit entry; everything else is.
    const fields = Object.keys(changes).filter((f) => f !== 'position');
    if (fields.length) await recordActivity(tx, graphAudit(ctx, graph.workflow, `step "${row.name}" updated (${fields.join(', ')})`, { stepId: row.id, fields }));
    return stepWithTemplate(tx, ctx.projectId, row);
  });
}

/**
 * Soft-deletes the step (executions' snapshots still name it) and deletes its edges. With `splice`,
 * a non-branching step with one incoming and one outgoing edge is bridged: the incoming edge's
 * source then leads to the outgoing edge's target, on the same branch and priority. A step that
 * cannot be bridged is simply removed.
 */
export async function deleteStep(deps: WorkflowDeps, ctx: ProjectActionContext, workflowId: string, stepId: string, splice: boolean): Promise<void> {
  await editGraph(deps, ctx, workflowId, async (tx, graph) => {
    const step = stepOr404(graph, stepId);
    if (step.type === 'TRIGGER') throw graphError('Cannot delete the trigger step');
    const incoming = graph.transitions.filter((t) => t.toStepId === step.id);
    const outgoing = graph.transitions.filter((t) => t.fromStepId === step.id);
    await gq.deleteTransitionsOfStep(tx, graph.workflow.id, step.id);
    await gq.softDeleteStep(tx, graph.workflow.id, step.id, deps.clock.now());
    const bridge = splice && incoming.length === 1 && outgoing.length === 1 && branchesOf(step.type, step.config) === null;
    if (bridge) {
      const [into] = incoming;
      await gq.insertTransition(tx, { workflowId: graph.workflow.id, fromStepId: into.fromStepId, toStepId: outgoing[0].toStepId, branch: into.branch, priority: into.priority });
    }
    await recordActivity(tx, graphAudit(ctx, graph.workflow, `${step.type} step "${step.name}" removed${bridge ? ' (neighbours reconnected)' : ''}`, { stepId: step.id }));
  });
}

/**
 * Splits an edge with a new step: the edge keeps its source, branch and priority and now leads to
 * the new step; a new edge leads on to the old target, on the new step's first outcome (`yes` for a
 * binary CONDITION, the first branch of a multi one, `EVENT` for WAIT_FOR_EVENT, none otherwise).
 */
export async function insertStepOnEdge(
  deps: WorkflowDeps,
  ctx: ProjectActionContext,
  workflowId: string,
  transitionId: string,
  input: InsertStepBody,
): Promise<{ step: StepJson; transitions: TransitionJson[] }> {
  if (input.type === 'EXIT' || input.type === 'TRIGGER') throw graphError(`A ${input.type} step cannot be inserted between two steps`);
  const config = parseStepConfig(input.type, input.config);
  return editGraph(deps, ctx, workflowId, async (tx, graph) => {
    const edge = transitionOr404(graph, transitionId);
    const from = stepOr404(graph, edge.fromStepId);
    const to = stepOr404(graph, edge.toStepId);
    const templateId = await resolveTemplate(tx, ctx.projectId, input.type, input.templateId);
    const position = input.position ?? { x: (from.position.x + to.position.x) / 2, y: (from.position.y + to.position.y) / 2 };
    const step = await gq.insertStep(tx, {
      workflowId: graph.workflow.id,
      projectId: ctx.projectId,
      type: input.type,
      name: input.name,
      position,
      config,
      templateId: templateId ?? null,
    });
    const upstream = await gq.retargetTransition(tx, graph.workflow.id, edge.id, step.id);
    const branch = branchesOf(step.type, step.config)?.[0] ?? null;
    const downstream = await gq.insertTransition(tx, { workflowId: graph.workflow.id, fromStepId: step.id, toStepId: to.id, branch, priority: 0 });
    await recordActivity(tx, graphAudit(ctx, graph.workflow, `${step.type} step "${step.name}" inserted between "${from.name}" and "${to.name}"`, { stepId: step.id }));
    return { step: await stepWithTemplate(tx, ctx.projectId, step), transitions: [toTransitionJson(upstream, from.type), toTransitionJson(downstream, step.type)] };
  });
}
