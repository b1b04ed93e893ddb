import { z } from 'zod';
import { containsNul } from '../../core/json.js';
import type { StepExecutionRow, WorkflowExecutionRow } from '../../db/schema/index.js';
import { STEP_TYPES } from './step-config.js';

// Request and response shapes of the executions API (contract: issue 7).

export const EXECUTION_STATUSES = ['RUNNING', 'WAITING', 'COMPLETED', 'EXITED', 'FAILED', 'CANCELLED'] as const;
export const STEP_EXECUTION_STATUSES = ['RUNNING', 'SCHEDULED', 'WAITING', 'COMPLETED', 'SKIPPED', 'FAILED', 'CANCELLED'] as const;

const id = z.string().max(100);

export const executionParams = z.object({ id, executionId: id });

export const startExecutionBody = z.object({
  contactId: id,
  /** Made available to the steps as `workflow.*` / `event.*` (templates, conditions, webhooks). */
  context: z
    .record(z.string(), z.unknown())
    .refine((v) => !containsNul(v), { message: 'must not contain NUL characters' })
    .refine((v) => JSON.stringify(v).length <= 64 * 1024, { message: 'context must be at most 64 KB of JSON' })
    .optional(),
});
export type StartExecutionBody = z.infer<typeof startExecutionBody>;

export const listExecutionsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(EXECUTION_STATUSES, { message: 'Invalid status value' }).optional(),
});
export type ListExecutionsQuery = z.infer<typeof listExecutionsQuery>;

const isoDate = z.string().meta({ format: 'date-time' });

const executionFields = {
  id: z.string(),
  workflowId: z.string(),
  contactId: z.string(),
  status: z.enum(EXECUTION_STATUSES),
  currentStepId: z.string().nullable(),
  exitReason: z.string().nullable(),
  error: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
  startedAt: isoDate,
  completedAt: isoDate.nullable(),
};
export const executionJson = z.object(executionFields).meta({ id: 'WorkflowExecution' });
export type ExecutionJson = z.infer<typeof executionJson>;

const contactRef = z.object({ id: z.string(), email: z.string() });

export const stepExecutionJson = z
  .object({
    id: z.string(),
    stepId: z.string(),
    stepType: z.enum(STEP_TYPES),
    /** The step's name when the execution started (from its snapshot; null if the step is not in it). */
    stepName: z.string().nullable(),
    status: z.enum(STEP_EXECUTION_STATUSES),
    resumeAt: isoDate.nullable(),
    output: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    startedAt: isoDate,
    completedAt: isoDate.nullable(),
  })
  .meta({ id: 'WorkflowStepExecution' });
export type StepExecutionJson = z.infer<typeof stepExecutionJson>;

export const executionListItem = z.object({ ...executionFields, contact: contactRef });
export const executionDetail = z.object({
  ...executionFields,
  contact: contactRef,
  workflow: z.object({ id: z.string(), name: z.string() }),
  steps: z.array(stepExecutionJson),
});

export const executionPage = z.object({
  executions: z.array(executionListItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  totalPages: z.number().int(),
});

export const cancelAllResponse = z.object({ cancelled: z.number().int() });
export const stepCountsResponse = z.object({ counts: z.record(z.string(), z.number().int()) });

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toExecutionJson(e: WorkflowExecutionRow): ExecutionJson {
  return {
    id: e.id,
    workflowId: e.workflowId,
    contactId: e.contactId,
    status: e.status,
    currentStepId: e.currentStepId,
    exitReason: e.exitReason,
    error: e.error,
    context: e.context ?? {},
    startedAt: e.startedAt.toISOString(),
    completedAt: iso(e.completedAt),
  };
}

export function toStepExecutionJson(s: StepExecutionRow, stepName: string | null): StepExecutionJson {
  return {
    id: s.id,
    stepId: s.stepId,
    stepType: s.stepType,
    stepName,
    status: s.status,
    resumeAt: iso(s.resumeAt),
    output: s.output ?? null,
    error: s.error,
    startedAt: s.startedAt.toISOString(),
    completedAt: iso(s.completedAt),
  };
}
