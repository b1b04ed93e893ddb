import { AppError, notFound } from '../../../core/errors.js';
import { isUuid } from '../../../core/ids.js';
import type { Executor } from '../../../db/client.js';
import type { WorkflowExecutionRow, WorkflowRow, WorkflowStepRow } from '../../../db/schema/index.js';
import { PRIORITY } from '../../../jobs/catalog.js';
import { getContact } from '../../contacts/contact-list.service.js';
import { getTemplate } from '../../templates/templates.service.js';
import type { EngineDeps } from './engine-deps.js';
import * as gq from '../workflow-graph.queries.js';
import * as q from './enrol.queries.js';
import { buildSnapshot, entryStepId, type SnapshotTemplate } from './snapshot.js';

// Enrolment: one execution row, with the workflow's frozen snapshot, and its first `workflow.run` job,
// in one transaction. The unique indexes on workflow_executions are the final arbiters of the re-entry
// rules, so two dispatchers (or a dispatcher and a manual start) can never enrol a contact twice.

export interface StartExecutionInput {
  projectId: string;
  workflowId: string;
  contactId: string;
  /** Manual: the caller's context; event enrolment: the event's data. Available as `event.*` to steps. */
  context?: Record<string, unknown> | null;
  /** The enrolling event: set by the dispatcher, absent for a manual start. */
  sourceEventId?: string;
  /** Chain depth (chain.ts): set by the dispatcher from the event's cause; 0 for a manual start. */
  depth?: number;
}

export const WORKFLOW_NOT_ENABLED_MESSAGE = 'Workflow is not enabled';
export const REENTRY_NOT_ALLOWED_MESSAGE = 'Workflow does not allow re-entry for this contact';
export const ALREADY_RUNNING_MESSAGE = 'Workflow is already running for this contact';

type EnrolDeps = Pick<EngineDeps, 'db' | 'queue' | 'clock'>;

/**
 * Starts an execution. A manual start (no sourceEventId) throws: 404 WORKFLOW_NOT_FOUND /
 * CONTACT_NOT_FOUND, 409 WORKFLOW_NOT_ENABLED / WORKFLOW_REENTRY_NOT_ALLOWED / WORKFLOW_ALREADY_RUNNING.
 * An event enrolment returns null instead of throwing when the rules (or a unique index) say no.
 */
export async function startExecution(deps: EnrolDeps, input: StartExecutionInput & { sourceEventId?: undefined }, tx?: Executor): Promise<WorkflowExecutionRow>;
export async function startExecution(deps: EnrolDeps, input: StartExecutionInput, tx?: Executor): Promise<WorkflowExecutionRow | null>;
export async function startExecution(deps: EnrolDeps, input: StartExecutionInput, tx?: Executor): Promise<WorkflowExecutionRow | null> {
  if (tx) return enrol(deps, tx, input);
  return deps.db.transaction((t) => enrol(deps, t, input));
}

async function enrol(deps: EnrolDeps, tx: Executor, input: StartExecutionInput): Promise<WorkflowExecutionRow | null> {
  const manual = !input.sourceEventId;
  const workflow = isUuid(input.workflowId) ? await q.findWorkflowRow(tx, input.projectId, input.workflowId) : undefined;
  if (!workflow) {
    if (manual) throw notFound('WORKFLOW_NOT_FOUND', 'Workflow', input.workflowId);
    return null;
  }
  if (!workflow.enabled) {
    if (manual) throw new AppError('WORKFLOW_NOT_ENABLED', WORKFLOW_NOT_ENABLED_MESSAGE);
    return null;
  }
  // Events carry a contact of their own project (foreign key); a manual start names one.
  if (manual) await getContact(tx, input.projectId, input.contactId);

  const refusal = await reentryRefusal(tx, workflow, input.contactId);
  if (refusal) {
    if (manual) throw refusal;
    return null;
  }
  const steps = await gq.listLiveSteps(tx, workflow.id);
  const snapshot = buildSnapshot(workflow, steps, await gq.listTransitions(tx, workflow.id), await templatesOf(tx, workflow.projectId, steps));
  const now = deps.clock.now();
  const row = await q.insertExecutionIfAllowed(tx, {
    projectId: workflow.projectId,
    workflowId: workflow.id,
    contactId: input.contactId,
    status: 'RUNNING',
    currentStepId: entryStepId(snapshot),
    context: input.context ?? {},
    snapshot,
    sourceEventId: input.sourceEventId ?? null,
    depth: input.depth ?? 0,
    reentryGuard: workflow.allowReentry ? null : input.contactId,
    startedAt: now,
    updatedAt: now,
  });
  if (!row) {
    // A concurrent enrolment won between the check and the insert: the indexes said no.
    if (manual) throw (await reentryRefusal(tx, workflow, input.contactId)) ?? new AppError('WORKFLOW_ALREADY_RUNNING', ALREADY_RUNNING_MESSAGE);
    return null;
  }
  await deps.queue.enqueue('workflow.run', { executionId: row.id }, { tx, priority: PRIORITY.workflow });
  return row;
}

/**
 * allowReentry=false: never again once any execution exists (older ones may predate the guard column
 * being set, so this looks at every execution); true: not while one is RUNNING or WAITING.
 */
async function reentryRefusal(tx: Executor, workflow: WorkflowRow, contactId: string): Promise<AppError | null> {
  const existing = await q.findExistingExecution(tx, workflow.id, contactId);
  if (existing.any && !workflow.allowReentry) return new AppError('WORKFLOW_REENTRY_NOT_ALLOWED', REENTRY_NOT_ALLOWED_MESSAGE);
  if (existing.active) return new AppError('WORKFLOW_ALREADY_RUNNING', ALREADY_RUNNING_MESSAGE);
  return null;
}

/** SEND_EMAIL templates, denormalised into the snapshot (a template deleted since is left out). */
async function templatesOf(tx: Executor, projectId: string, steps: WorkflowStepRow[]): Promise<Map<string, SnapshotTemplate>> {
  const ids = [...new Set(steps.map((s) => s.templateId).filter((id): id is string => !!id))];
  const map = new Map<string, SnapshotTemplate>();
  for (const id of ids) {
    try {
      const t = await getTemplate(tx, projectId, id);
      map.set(id, { id: t.id, subject: t.subject, body: t.body, from: t.from, fromName: t.fromName, replyTo: t.replyTo, type: t.type });
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'TEMPLATE_NOT_FOUND')) throw err;
    }
  }
  return map;
}
