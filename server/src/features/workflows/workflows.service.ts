import type { Clock } from '../../core/clock.js';
import { AppError, notFound, validationError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { WorkflowRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { listContactFields } from '../contacts/contact-fields.service.js';
import { spellingsOf } from '../events/event-history.service.js';
import { canonicalEventName } from './step-config.js';
import * as gq from './workflow-graph.queries.js';
import {
  toStepJson,
  toTransitionJson,
  toWorkflowJson,
  type CreateWorkflowBody,
  type ListWorkflowsQuery,
  type UpdateWorkflowBody,
  type WorkflowJson,
} from './workflows.schemas.js';
import * as q from './workflows.queries.js';

// Workflows: create, read, update, delete, and the fields a condition can test (notes §3.6, contract
// issue 7). The graph (steps, transitions) is edited through workflow-graph.service.ts and
// workflow-steps.service.ts; executions through executions.service.ts.

export interface WorkflowDeps {
  db: Db;
  clock: Clock;
}

const ACTIVE = ['RUNNING', 'WAITING'] as const;

/** The project's workflow, or 404 WORKFLOW_NOT_FOUND (also for other projects' ids and malformed ids). */
export async function getWorkflow(db: Executor, projectId: string, id: string): Promise<WorkflowRow> {
  const row = isUuid(id) ? await q.findWorkflow(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('WORKFLOW_NOT_FOUND', 'Workflow', id);
  return row;
}

export async function lockWorkflowOr404(db: Executor, projectId: string, id: string): Promise<WorkflowRow> {
  const row = isUuid(id) ? await q.lockWorkflow(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('WORKFLOW_NOT_FOUND', 'Workflow', id);
  return row;
}

export function audit(ctx: ProjectActionContext, type: string, workflow: Pick<WorkflowRow, 'id' | 'name'>, summary: string, extra: Record<string, unknown> = {}) {
  const { projectId, actor, requestId, ip } = ctx;
  return { projectId, actor, requestId, ip, type, summary, metadata: { workflowId: workflow.id, name: workflow.name, ...extra } };
}

const triggerStepName = (eventName: string | null) => (eventName ? `Trigger: ${eventName}` : 'Manual trigger');

/** The workflow with its live steps (and their templates), the edges between them, and counts. */
export async function describeWorkflow(db: Executor, projectId: string, workflow: WorkflowRow): Promise<WorkflowJson> {
  const steps = await gq.listLiveSteps(db, workflow.id);
  const transitions = await gq.listTransitions(db, workflow.id);
  const templateIds = [...new Set(steps.map((s) => s.templateId).filter((id): id is string => !!id))];
  const templates = new Map((await gq.templateSummaries(db, projectId, templateIds)).map((t) => [t.id, t]));
  const typeOf = new Map(steps.map((s) => [s.id, s.type]));
  return toWorkflowJson(workflow, {
    steps: steps.map((s) => toStepJson(s, templates.get(s.templateId ?? '') ?? null)),
    transitions: transitions.filter((t) => typeOf.has(t.fromStepId) && typeOf.has(t.toStepId)).map((t) => toTransitionJson(t, typeOf.get(t.fromStepId))),
    _count: await q.countWorkflowParts(db, workflow.id),
  });
}

export async function getWorkflowDetail(db: Executor, projectId: string, id: string): Promise<WorkflowJson> {
  return describeWorkflow(db, projectId, await getWorkflow(db, projectId, id));
}

export async function listWorkflowPage(db: Db, projectId: string, query: ListWorkflowsQuery) {
  const { page, pageSize } = query;
  const { rows, total } = await q.listWorkflowRows(db, projectId, {
    search: query.search || undefined,
    enabled: query.enabled === undefined ? undefined : query.enabled === 'true',
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return {
    workflows: rows.map((r) => toWorkflowJson(r, { _count: { steps: r.stepCount, executions: r.executionCount } })),
    total,
    page,
    pageSize,
    totalPages: Math.ceil(total / pageSize),
  };
}

export async function createWorkflow(deps: WorkflowDeps, ctx: ProjectActionContext, input: CreateWorkflowBody): Promise<WorkflowJson> {
  return deps.db.transaction(async (tx) => {
    const triggerEvent = input.triggerType === 'EVENT' ? (input.eventName ?? null) : null;
    const workflow = await q.insertWorkflow(tx, {
      projectId: ctx.projectId,
      name: input.name,
      description: input.description ?? null,
      enabled: input.enabled,
      triggerType: input.triggerType,
      triggerEvent,
      allowReentry: input.allowReentry,
    });
    await gq.insertStep(tx, {
      workflowId: workflow.id,
      projectId: ctx.projectId,
      type: 'TRIGGER',
      name: triggerStepName(triggerEvent),
      position: { x: 0, y: 0 },
      config: triggerEvent ? { eventName: triggerEvent } : {},
    });
    await recordActivity(tx, audit(ctx, 'workflow.created', workflow, `Workflow "${workflow.name}" created`, { triggerType: workflow.triggerType, eventName: triggerEvent, enabled: workflow.enabled }));
    return describeWorkflow(tx, ctx.projectId, workflow);
  });
}

export async function updateWorkflow(deps: WorkflowDeps, ctx: ProjectActionContext, id: string, input: UpdateWorkflowBody): Promise<WorkflowJson> {
  return deps.db.transaction(async (tx) => {
    const current = await lockWorkflowOr404(tx, ctx.projectId, id);
    const changes: q.WorkflowChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.allowReentry !== undefined) changes.allowReentry = input.allowReentry;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.eventName !== undefined && input.eventName !== current.triggerEvent) {
      if (current.triggerType !== 'EVENT') throw validationError([{ field: 'eventName', code: 'custom', message: 'A MANUAL workflow has no event name' }]);
      if ((await q.countExecutions(tx, current.id)) > 0) {
        throw new AppError('CONFLICT', 'The trigger event cannot be changed once the workflow has run: create a new workflow for the other event', {
          eventName: current.triggerEvent,
        });
      }
      changes.triggerEvent = canonicalEventName(input.eventName);
      const trigger = await gq.findTriggerStep(tx, current.id);
      if (trigger) {
        // A trigger the user renamed keeps its name; the default name follows the event.
        const name = trigger.name === triggerStepName(current.triggerEvent) ? triggerStepName(changes.triggerEvent) : trigger.name;
        await gq.updateStepRow(tx, current.id, trigger.id, { config: { ...trigger.config, eventName: changes.triggerEvent }, name });
      }
    }
    const row = (await q.updateWorkflowRow(tx, ctx.projectId, current.id, changes))!;
    const fields = Object.keys(changes).filter((f) => f !== 'enabled');
    if (fields.length) {
      await recordActivity(tx, audit(ctx, 'workflow.updated', row, `Workflow "${row.name}" updated (${fields.join(', ')})`, { fields }));
    }
    if (input.enabled !== undefined && input.enabled !== current.enabled) {
      const type = input.enabled ? 'workflow.enabled' : 'workflow.disabled';
      await recordActivity(tx, audit(ctx, type, row, `Workflow "${row.name}" ${input.enabled ? 'enabled' : 'disabled'}`));
    }
    return describeWorkflow(tx, ctx.projectId, row);
  });
}

export async function deleteWorkflow(deps: WorkflowDeps, ctx: ProjectActionContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const workflow = await lockWorkflowOr404(tx, ctx.projectId, id);
    const active = await q.countExecutions(tx, workflow.id, [...ACTIVE]);
    if (active > 0) {
      throw new AppError('CONFLICT', `Workflow has ${active} running or waiting execution(s): cancel them before deleting it`, { activeExecutions: active });
    }
    await q.deleteWorkflowRow(tx, ctx.projectId, workflow.id);
    await recordActivity(tx, audit(ctx, 'workflow.deleted', workflow, `Workflow "${workflow.name}" deleted`));
  });
}

const CONTACT_FIELDS = ['contact.email', 'contact.subscribed'];
const STANDARD_CONTACT_COLUMNS = new Set(['email', 'subscribed', 'createdAt', 'updatedAt']);

/**
 * What a CONDITION can test: `contact.*` and the contacts' `data.*` keys, plus `event.*` keys seen
 * in the last 100 events of the trigger's name (aliases included).
 */
export async function workflowFields(db: Db, projectId: string, eventName?: string): Promise<{ contactFields: string[]; eventFields: string[] }> {
  const { fields } = await listContactFields(db, projectId);
  const dataFields = fields.filter((f) => !STANDARD_CONTACT_COLUMNS.has(f.field)).map((f) => `data.${f.field}`);
  const names = eventName ? spellingsOf(canonicalEventName(eventName)) : [];
  const eventKeys = await q.recentEventDataKeys(db, projectId, names);
  return { contactFields: [...CONTACT_FIELDS, ...dataFields], eventFields: eventKeys.map((k) => `event.${k}`) };
}
