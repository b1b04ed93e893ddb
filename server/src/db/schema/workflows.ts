import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts } from './contacts.js';
import { projects } from './projects.js';

export type WorkflowTriggerType = 'EVENT' | 'MANUAL';
export type WorkflowStepType = 'TRIGGER' | 'SEND_EMAIL' | 'DELAY' | 'WAIT_FOR_EVENT' | 'CONDITION' | 'WEBHOOK' | 'UPDATE_CONTACT' | 'EXIT';
export type WorkflowExecutionStatus = 'RUNNING' | 'WAITING' | 'COMPLETED' | 'EXITED' | 'FAILED' | 'CANCELLED';
/** SCHEDULED = a DELAY waiting for `resume_at`; WAITING = a WAIT_FOR_EVENT (its timeout, if any, is `resume_at`). */
export type StepExecutionStatus = 'RUNNING' | 'SCHEDULED' | 'WAITING' | 'COMPLETED' | 'SKIPPED' | 'FAILED' | 'CANCELLED';

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(false),
    triggerType: text('trigger_type').$type<WorkflowTriggerType>().notNull().default('EVENT'),
    /** Canonical event name (aliases such as `email.open` are stored as `email.opened`); null for MANUAL. */
    triggerEvent: text('trigger_event'),
    allowReentry: boolean('allow_reentry').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('workflows_project_created_idx').on(t.projectId, t.createdAt), index('workflows_trigger_idx').on(t.projectId, t.triggerEvent).where(sql`${t.enabled}`)],
);

export const workflowSteps = pgTable(
  'workflow_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').notNull(),
    type: text('type').$type<WorkflowStepType>().notNull(),
    name: text('name').notNull(),
    position: jsonb('position').$type<{ x: number; y: number }>().notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** SEND_EMAIL's template (authoritative over config). */
    templateId: uuid('template_id'),
    /** Soft delete: executions keep pointing at the step id through their snapshot. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('workflow_steps_workflow_idx').on(t.workflowId), index('workflow_steps_template_idx').on(t.templateId)],
);

/**
 * An edge. `branch` says which outcome of the source step it follows: a CONDITION branch (`yes`, `no`,
 * a multi-branch id or `default`) or a WAIT_FOR_EVENT outcome (`EVENT`, `TIMEOUT`); null for the one
 * edge of every other step. The unique index makes "one edge per outcome" a database rule.
 */
export const workflowTransitions = pgTable(
  'workflow_transitions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    fromStepId: uuid('from_step_id')
      .notNull()
      .references(() => workflowSteps.id, { onDelete: 'cascade' }),
    toStepId: uuid('to_step_id')
      .notNull()
      .references(() => workflowSteps.id, { onDelete: 'cascade' }),
    branch: text('branch'),
    priority: integer('priority').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('workflow_transitions_outcome_unique').on(t.fromStepId, sql`coalesce(${t.branch}, '')`),
    index('workflow_transitions_workflow_idx').on(t.workflowId),
    index('workflow_transitions_to_idx').on(t.toStepId),
  ],
);

/** The frozen graph an execution runs against (taken at enrolment). */
export interface WorkflowSnapshot {
  version: 1;
  workflow: { id: string; name: string };
  steps: {
    id: string;
    type: WorkflowStepType;
    name: string;
    config: Record<string, unknown>;
    templateId: string | null;
    template: { id: string; subject: string; body: string; from: string | null; fromName: string | null; replyTo: string | null; type: string } | null;
  }[];
  transitions: { id: string; fromStepId: string; toStepId: string; branch: string | null; priority: number }[];
}

export const workflowExecutions = pgTable(
  'workflow_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id').notNull(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: text('status').$type<WorkflowExecutionStatus>().notNull().default('RUNNING'),
    /** The step to run next (RUNNING) or the step waiting (WAITING); an id inside `snapshot`. */
    currentStepId: uuid('current_step_id'),
    exitReason: text('exit_reason'),
    error: text('error'),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    snapshot: jsonb('snapshot').$type<WorkflowSnapshot>().notNull(),
    /** The event that enrolled the contact; unique per workflow, so a double dispatch enrols once. */
    sourceEventId: uuid('source_event_id'),
    /** The contact id when the workflow did not allow re-entry at enrolment: unique per workflow. */
    reentryGuard: uuid('reentry_guard'),
    /** How many workflow executions led to this one through events their steps caused (0 = a real event). */
    depth: integer('depth').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('workflow_executions_source_event_unique').on(t.workflowId, t.sourceEventId),
    uniqueIndex('workflow_executions_reentry_unique').on(t.workflowId, t.reentryGuard),
    // At most one active execution per contact per workflow, whatever allowReentry says.
    uniqueIndex('workflow_executions_active_unique')
      .on(t.workflowId, t.contactId)
      .where(sql`${t.status} in ('RUNNING', 'WAITING')`),
    index('workflow_executions_workflow_started_idx').on(t.workflowId, t.startedAt),
    index('workflow_executions_contact_idx').on(t.contactId, t.startedAt),
  ],
);

export const workflowStepExecutions = pgTable(
  'workflow_step_executions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => workflowExecutions.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').notNull(),
    workflowId: uuid('workflow_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    stepId: uuid('step_id').notNull(),
    stepType: text('step_type').$type<WorkflowStepType>().notNull(),
    status: text('status').$type<StepExecutionStatus>().notNull(),
    /** DELAY: when to go on; WAIT_FOR_EVENT: when the TIMEOUT outcome fires (null = no timeout). Read by the app's clock. */
    resumeAt: timestamp('resume_at', { withTimezone: true }),
    /** WAIT_FOR_EVENT: the canonical event name being waited for. */
    waitEvent: text('wait_event'),
    output: jsonb('output').$type<Record<string, unknown> | null>(),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('workflow_step_executions_step_unique').on(t.executionId, t.stepId),
    index('workflow_step_executions_due_idx')
      .on(t.resumeAt)
      .where(sql`${t.status} in ('SCHEDULED', 'WAITING') and ${t.resumeAt} is not null`),
    index('workflow_step_executions_waiting_idx')
      .on(t.contactId, t.waitEvent)
      .where(sql`${t.status} = 'WAITING'`),
    index('workflow_step_executions_workflow_step_idx').on(t.workflowId, t.stepId, t.status),
  ],
);

export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowStepRow = typeof workflowSteps.$inferSelect;
export type WorkflowTransitionRow = typeof workflowTransitions.$inferSelect;
export type WorkflowExecutionRow = typeof workflowExecutions.$inferSelect;
export type StepExecutionRow = typeof workflowStepExecutions.$inferSelect;
