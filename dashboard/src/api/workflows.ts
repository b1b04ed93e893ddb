import { request } from './client';

// The workflows API (server features/workflows): workflows, their steps and transitions, and executions.

export const STEP_TYPES = ['TRIGGER', 'SEND_EMAIL', 'DELAY', 'WAIT_FOR_EVENT', 'CONDITION', 'WEBHOOK', 'UPDATE_CONTACT', 'EXIT'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const EXECUTION_STATUSES = ['RUNNING', 'WAITING', 'COMPLETED', 'EXITED', 'FAILED', 'CANCELLED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const CONDITION_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'greaterThan',
  'lessThan',
  'greaterThanOrEqual',
  'lessThanOrEqual',
  'exists',
  'notExists',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type StepConfig = Record<string, unknown>;

export interface WorkflowStep {
  id: string;
  workflowId: string;
  type: StepType;
  name: string;
  position: { x: number; y: number };
  config: StepConfig;
  templateId: string | null;
  template?: { id: string; name: string; subject: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowTransition {
  id: string;
  fromStepId: string;
  toStepId: string;
  condition: { branch: string } | null;
  waitOutcome: 'EVENT' | 'TIMEOUT' | null;
  /** The stored outcome key: a CONDITION branch or a WAIT_FOR_EVENT outcome; null for a plain edge. */
  branch: string | null;
  priority: number;
}

export interface Workflow {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  triggerType: 'EVENT' | 'MANUAL';
  triggerConfig: { eventName?: string } | null;
  eventName: string | null;
  allowReentry: boolean;
  createdAt: string;
  updatedAt: string;
  steps?: WorkflowStep[];
  transitions?: WorkflowTransition[];
  _count?: { steps: number; executions: number };
}

export interface WorkflowDetail extends Workflow {
  steps: WorkflowStep[];
  transitions: WorkflowTransition[];
}

export interface WorkflowPage {
  workflows: Workflow[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export interface WorkflowInput {
  name: string;
  description?: string | null;
  triggerType?: 'EVENT' | 'MANUAL';
  eventName?: string;
  enabled?: boolean;
  allowReentry?: boolean;
}

export interface StepInput {
  type: StepType;
  name: string;
  position: { x: number; y: number };
  config: StepConfig;
  templateId?: string | null;
  autoConnect?: boolean;
}

export interface TransitionInput {
  fromStepId: string;
  toStepId: string;
  condition?: { branch: string };
  waitOutcome?: 'EVENT' | 'TIMEOUT';
  priority?: number;
}

export interface Execution {
  id: string;
  workflowId: string;
  contactId: string;
  status: ExecutionStatus;
  currentStepId: string | null;
  exitReason: string | null;
  error: string | null;
  context: unknown;
  startedAt: string;
  completedAt: string | null;
  contact?: { id: string; email: string };
}

export interface StepExecution {
  id: string;
  stepId: string | null;
  stepType: StepType;
  /** The step's name when the run started (null when the step is not in the run's snapshot). */
  stepName: string | null;
  status: string;
  resumeAt: string | null;
  output: unknown;
  error: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface ExecutionDetail extends Execution {
  contact: { id: string; email: string };
  workflow: { id: string; name: string };
  steps: StepExecution[];
}

export interface ExecutionPage {
  executions: Execution[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

const one = (id: string) => `/workflows/${encodeURIComponent(id)}`;
const step = (id: string, stepId: string) => `${one(id)}/steps/${encodeURIComponent(stepId)}`;

export const listWorkflows = (projectId: string, q: { page: number; pageSize: number; search?: string; enabled?: boolean }) =>
  request<WorkflowPage>('/workflows', { projectId, query: q });

export const getWorkflow = (projectId: string, id: string) => request<WorkflowDetail>(one(id), { projectId });

export const createWorkflow = (projectId: string, body: WorkflowInput) => request<WorkflowDetail>('/workflows', { method: 'POST', body, projectId });

export const updateWorkflow = (projectId: string, id: string, body: Partial<WorkflowInput>) => request<Workflow>(one(id), { method: 'PATCH', body, projectId });

/** 409 CONFLICT while executions are running or waiting. */
export const deleteWorkflow = (projectId: string, id: string) => request<void>(one(id), { method: 'DELETE', projectId });

export const getWorkflowFields = (projectId: string, eventName?: string | null) =>
  request<{ contactFields: string[]; eventFields: string[] }>('/workflows/fields', { projectId, query: { eventName: eventName ?? undefined } });

export const createStep = (projectId: string, id: string, body: StepInput) => request<WorkflowStep>(`${one(id)}/steps`, { method: 'POST', body, projectId });

export const updateStep = (projectId: string, id: string, stepId: string, body: Partial<Omit<StepInput, 'type' | 'autoConnect'>>) =>
  request<WorkflowStep>(step(id, stepId), { method: 'PATCH', body, projectId });

/** `splice` reconnects the step's one incoming edge to its outgoing edge. */
export const deleteStep = (projectId: string, id: string, stepId: string, splice: boolean) =>
  request<void>(step(id, stepId), { method: 'DELETE', projectId, query: { splice: splice ? 'true' : undefined } });

export const createTransition = (projectId: string, id: string, body: TransitionInput) =>
  request<WorkflowTransition>(`${one(id)}/transitions`, { method: 'POST', body, projectId });

export const deleteTransition = (projectId: string, id: string, transitionId: string) =>
  request<void>(`${one(id)}/transitions/${encodeURIComponent(transitionId)}`, { method: 'DELETE', projectId });

export const listExecutions = (projectId: string, id: string, q: { page: number; pageSize: number; status?: ExecutionStatus }) =>
  request<ExecutionPage>(`${one(id)}/executions`, { projectId, query: q });

export const getExecution = (projectId: string, id: string, executionId: string) =>
  request<ExecutionDetail>(`${one(id)}/executions/${encodeURIComponent(executionId)}`, { projectId });

export const cancelExecution = (projectId: string, id: string, executionId: string) =>
  request<Execution>(`${one(id)}/executions/${encodeURIComponent(executionId)}`, { method: 'DELETE', projectId });

export const cancelAllExecutions = (projectId: string, id: string) =>
  request<{ cancelled: number }>(`${one(id)}/executions/cancel-all`, { method: 'POST', body: {}, projectId });

export const getStepCounts = (projectId: string, id: string) => request<{ counts: Record<string, number> }>(`${one(id)}/step-execution-counts`, { projectId });

export const workflowKeys = {
  list: (projectId: string) => ['workflows', projectId] as const,
  one: (projectId: string, id: string) => ['workflow', projectId, id] as const,
  fields: (projectId: string, eventName: string | null) => ['workflow-fields', projectId, eventName] as const,
  executions: (projectId: string, id: string) => ['workflow-executions', projectId, id] as const,
  execution: (projectId: string, id: string, executionId: string) => ['workflow-execution', projectId, id, executionId] as const,
  counts: (projectId: string, id: string) => ['workflow-step-counts', projectId, id] as const,
  templates: (projectId: string) => ['workflow-templates', projectId] as const,
};
