import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { WorkflowRow, WorkflowStepRow, WorkflowStepType, WorkflowTransitionRow } from '../../db/schema/index.js';
import { eventName, STEP_TYPES } from './step-config.js';

// Request and response shapes of the workflow definition API (contract: issue 7). Step configs are
// taken as plain objects here and validated per step type in the service (the type of an edited step
// is only known there); errors then name `config.<field>` like any other 422.

const noNul = { message: 'must not contain NUL characters' } as const;
const name = z.string().trim().min(1, { message: 'Name is required' }).max(100).refine((v) => !containsNul(v), noNul);
const description = z.string().max(500).refine((v) => !containsNul(v), noNul);
const id = z.string().max(100);
const flag = z.enum(['true', 'false']);

export const TRIGGER_TYPES = ['EVENT', 'MANUAL'] as const;
export const WAIT_OUTCOMES = ['EVENT', 'TIMEOUT'] as const;

export const createWorkflowBody = z
  .object({
    name,
    description: description.nullish(),
    triggerType: z.enum(TRIGGER_TYPES).default('EVENT'),
    /** Required for EVENT workflows; aliases (`email.open`) are stored canonical (`email.opened`). */
    eventName: eventName.nullish(),
    enabled: z.boolean().default(false),
    allowReentry: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (b.triggerType === 'EVENT' && !b.eventName) ctx.addIssue({ code: 'custom', path: ['eventName'], message: 'Event name is required' });
    if (b.triggerType === 'MANUAL' && b.eventName) ctx.addIssue({ code: 'custom', path: ['eventName'], message: 'A MANUAL workflow has no event name' });
  });
export type CreateWorkflowBody = z.infer<typeof createWorkflowBody>;

export const updateWorkflowBody = z.object({
  name: name.optional(),
  description: description.nullish(),
  eventName: eventName.optional(),
  enabled: z.boolean().optional(),
  allowReentry: z.boolean().optional(),
});
export type UpdateWorkflowBody = z.infer<typeof updateWorkflowBody>;

export const listWorkflowsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  search: z.string().trim().max(255).optional(),
  enabled: flag.optional(),
});
export type ListWorkflowsQuery = z.infer<typeof listWorkflowsQuery>;

export const fieldsQuery = z.object({ eventName: z.string().trim().max(200).optional() });

export const workflowIdParams = z.object({ id });
export const stepParams = z.object({ id, stepId: id });
export const transitionParams = z.object({ id, transitionId: id });

const position = z.object({ x: z.number(), y: z.number() });
const stepConfig = z
  .record(z.string(), z.unknown())
  .refine((v) => !containsNul(v), noNul)
  .meta({ description: 'Per step type: TRIGGER {eventName?}, SEND_EMAIL {recipient?}, DELAY {amount, unit}, WAIT_FOR_EVENT {eventName, timeout?}, CONDITION {field, operator, value?} or {mode:"multi", field, branches}, WEBHOOK {url, method?, headers?, body?}, UPDATE_CONTACT {updates?, subscriptionAction?}, EXIT {reason?}.' });
const stepType = z.enum(STEP_TYPES);

export const createStepBody = z.object({
  type: stepType,
  name,
  position,
  config: stepConfig.default({}),
  /** SEND_EMAIL only: the template it sends. */
  templateId: id.nullish(),
  /** Link from the current last step (default true). */
  autoConnect: z.boolean().default(true),
});
export type CreateStepBody = z.infer<typeof createStepBody>;

export const updateStepBody = z.object({
  name: name.optional(),
  position: position.optional(),
  config: stepConfig.optional(),
  /** null clears the template. */
  templateId: id.nullish(),
});
export type UpdateStepBody = z.infer<typeof updateStepBody>;

export const deleteStepQuery = z.object({
  /** Reconnect the step's one incoming edge to its outgoing edge (non-branching steps). */
  splice: flag.default('false'),
});

export const insertStepBody = z.object({
  type: stepType,
  name,
  /** Defaults to halfway between the edge's two steps. */
  position: position.optional(),
  config: stepConfig.default({}),
  templateId: id.nullish(),
});
export type InsertStepBody = z.infer<typeof insertStepBody>;

export const createTransitionBody = z.object({
  fromStepId: id,
  toStepId: id,
  /** CONDITION sources: `yes`/`no` (binary) or a branch id / `default` (multi). */
  condition: z.object({ branch: z.string().trim().min(1).max(50) }).nullish(),
  /** WAIT_FOR_EVENT sources: which outcome this edge follows. */
  waitOutcome: z.enum(WAIT_OUTCOMES).nullish(),
  priority: z.number().int().min(0).max(1_000_000).optional(),
});
export type CreateTransitionBody = z.infer<typeof createTransitionBody>;

const isoDate = z.string().meta({ format: 'date-time' });

export const transitionJson = z
  .object({
    id: z.string(),
    fromStepId: z.string(),
    toStepId: z.string(),
    condition: z.object({ branch: z.string() }).nullable(),
    waitOutcome: z.enum(WAIT_OUTCOMES).nullable(),
    /** The stored outcome key (CONDITION branch or WAIT_FOR_EVENT outcome); null for a plain edge. */
    branch: z.string().nullable(),
    priority: z.number().int(),
  })
  .meta({ id: 'WorkflowTransition' });
export type TransitionJson = z.infer<typeof transitionJson>;

export const stepJson = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    type: stepType,
    name: z.string(),
    position,
    config: z.record(z.string(), z.unknown()),
    templateId: z.string().nullable(),
    template: z.object({ id: z.string(), name: z.string(), subject: z.string() }).nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'WorkflowStep' });
export type StepJson = z.infer<typeof stepJson>;

export const workflowJson = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    triggerType: z.enum(TRIGGER_TYPES),
    triggerConfig: z.object({ eventName: z.string() }).nullable(),
    eventName: z.string().nullable(),
    allowReentry: z.boolean(),
    createdAt: isoDate,
    updatedAt: isoDate,
    steps: z.array(stepJson).optional(),
    transitions: z.array(transitionJson).optional(),
    _count: z.object({ steps: z.number().int(), executions: z.number().int() }).optional(),
  })
  .meta({ id: 'Workflow' });
export type WorkflowJson = z.infer<typeof workflowJson>;

export const workflowPage = z.object({
  workflows: z.array(workflowJson),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalPages: z.number().int(),
});

export const fieldsResponse = z.object({ contactFields: z.array(z.string()), eventFields: z.array(z.string()) });
export const insertStepResponse = z.object({ step: stepJson, transitions: z.array(transitionJson) });

export type TemplateSummary = { id: string; name: string; subject: string };

/** Dates as ISO strings already, so an Idempotency-Key replay (read back from jsonb) answers the same. */
export function toWorkflowJson(w: WorkflowRow, extra: Pick<WorkflowJson, 'steps' | 'transitions' | '_count'> = {}): WorkflowJson {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    enabled: w.enabled,
    triggerType: w.triggerType,
    triggerConfig: w.triggerEvent ? { eventName: w.triggerEvent } : null,
    eventName: w.triggerEvent,
    allowReentry: w.allowReentry,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    ...extra,
  };
}

export function toStepJson(s: WorkflowStepRow, template: TemplateSummary | null = null): StepJson {
  return {
    id: s.id,
    workflowId: s.workflowId,
    type: s.type,
    name: s.name,
    position: s.position,
    config: s.config,
    templateId: s.templateId,
    template: template && template.id === s.templateId ? { id: template.id, name: template.name, subject: template.subject } : null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** `condition`/`waitOutcome` say the same as `branch`, in the field that fits the source step's type. */
export function toTransitionJson(t: WorkflowTransitionRow, sourceType: WorkflowStepType | undefined): TransitionJson {
  const branch = t.branch;
  return {
    id: t.id,
    fromStepId: t.fromStepId,
    toStepId: t.toStepId,
    condition: sourceType === 'CONDITION' && branch !== null ? { branch } : null,
    waitOutcome: sourceType === 'WAIT_FOR_EVENT' && (branch === 'EVENT' || branch === 'TIMEOUT') ? branch : null,
    branch,
    priority: t.priority,
  };
}
