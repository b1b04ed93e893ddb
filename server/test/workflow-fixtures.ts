import type { Clock } from '../src/core/clock.js';
import type { ProjectWithKeys } from '../src/features/projects/projects.service.js';
import { runWorkflowSweep } from '../src/features/workflows/engine/sweep.service.js';
import { waitFor, type TestContext } from './context.js';
import { workflowApi } from './workflow-api.js';

// Helpers for the workflow engine tests (features/workflows/engine/*.test.ts): build a workflow
// through the HTTP API, enrol contacts through /v1/track or a manual start, drive the sweeps and read
// executions back through the API.

type Body = Record<string, unknown>;

/** The wall clock plus an offset the test moves (jobs and timers keep running in real time). */
export class MovableClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface StepSpec {
  /** Name used to refer to the step in later specs and in results. */
  key: string;
  type: string;
  config?: Body;
  templateId?: string;
  /** The step it hangs from ('trigger' or a key); default: the previous spec (the trigger for the first). */
  from?: string;
  /** The edge's branch: a CONDITION branch, or EVENT/TIMEOUT after a WAIT_FOR_EVENT. */
  branch?: string;
}

export interface FlowSpec {
  name?: string;
  eventName?: string;
  triggerType?: 'EVENT' | 'MANUAL';
  allowReentry?: boolean;
  enabled?: boolean;
  steps: StepSpec[];
}

export interface StepExecutionJson {
  id: string;
  stepId: string;
  stepType: string;
  stepName: string | null;
  status: string;
  resumeAt: string | null;
  output: any;
  error: string | null;
}

export interface ExecutionDetail {
  id: string;
  status: string;
  currentStepId: string | null;
  exitReason: string | null;
  error: string | null;
  context: Record<string, unknown>;
  steps: StepExecutionJson[];
}

export function engineFixture(t: TestContext, p: ProjectWithKeys = t.project) {
  const api = workflowApi(t, p);
  const fx = {
    api,
    /** A workflow built from specs; returns its id and the id of every step by key. */
    async flow(spec: FlowSpec): Promise<{ id: string; steps: Record<string, string> }> {
      const manual = spec.triggerType === 'MANUAL';
      const wf = await api.workflow({
        name: spec.name ?? 'Engine test',
        triggerType: spec.triggerType ?? 'EVENT',
        eventName: manual ? undefined : (spec.eventName ?? 'signed-up'),
        allowReentry: spec.allowReentry ?? false,
        enabled: spec.enabled ?? true,
      });
      const steps: Record<string, string> = { trigger: wf.steps[0].id };
      const types: Record<string, string> = { trigger: 'TRIGGER' };
      let previous = 'trigger';
      for (const s of spec.steps) {
        const extra = s.templateId ? { templateId: s.templateId, name: s.key } : { name: s.key };
        steps[s.key] = await api.step(wf.id, s.type, s.config ?? {}, extra);
        types[s.key] = s.type;
        const from = s.from ?? previous;
        const edge: Body = {};
        if (types[from] === 'CONDITION') edge.condition = { branch: s.branch };
        if (types[from] === 'WAIT_FOR_EVENT') edge.waitOutcome = s.branch ?? 'EVENT';
        const res = await api.connect(wf.id, steps[from], steps[s.key], edge);
        if (res.status !== 201) throw new Error(`connect ${from} → ${s.key}: ${res.status} ${res.body}`);
        previous = s.key;
      }
      return { id: wf.id, steps };
    },
    async template(extra: Body = {}): Promise<string> {
      const res = await t.request('POST', '/templates', {
        key: p.secretKey,
        body: { name: 'Workflow mail', subject: 'Hi {{ firstName ?? "there" }}', body: '<p>Plan {{ event.plan }} for {{ email }}</p>', from: 'flows@example.com', type: 'TRANSACTIONAL', ...extra },
      });
      if (res.status !== 201) throw new Error(`create template: ${res.status} ${res.body}`);
      return res.json.id;
    },
    async contact(email: string, body: Body = {}): Promise<string> {
      const res = await t.request('POST', '/contacts', { key: p.secretKey, body: { email, ...body } });
      if (res.status >= 300) throw new Error(`create contact: ${res.status} ${res.body}`);
      return res.json.id;
    },
    /** POST /v1/track with the public key; returns the contact id. */
    async track(email: string, event: string, data?: Body, extra: Body = {}): Promise<string> {
      const res = await t.request('POST', '/v1/track', { key: p.publicKey, body: { event, email, ...(data ? { data } : {}), ...extra } });
      if (res.status !== 200) throw new Error(`track: ${res.status} ${res.body}`);
      return res.json.data.contact;
    },
    start: (workflowId: string, contactId: string, context?: Body) =>
      t.request('POST', `/workflows/${workflowId}/executions`, { key: p.secretKey, body: { contactId, ...(context ? { context } : {}) } }),
    async executions(workflowId: string): Promise<(ExecutionDetail & { contact: { id: string; email: string } })[]> {
      const res = await api.get(`/workflows/${workflowId}/executions?pageSize=100`);
      if (res.status !== 200) throw new Error(`list executions: ${res.status} ${res.body}`);
      return res.json.executions;
    },
    async execution(workflowId: string, executionId: string): Promise<ExecutionDetail> {
      const res = await api.get(`/workflows/${workflowId}/executions/${executionId}`);
      if (res.status !== 200) throw new Error(`get execution: ${res.status} ${res.body}`);
      return res.json;
    },
    sweep: () => runWorkflowSweep(t.deps),
    /** Sweeps until the workflow has `count` executions, then returns them. */
    async enrolled(workflowId: string, count = 1) {
      return waitFor(
        async () => {
          await fx.sweep();
          const list = await fx.executions(workflowId);
          return list.length >= count ? list : null;
        },
        20_000,
        `${count} execution(s) of workflow ${workflowId}`,
      );
    },
    /** Waits until the execution is no longer RUNNING (it waits or has ended). */
    async settled(workflowId: string, executionId: string, until: (e: ExecutionDetail) => boolean = (e) => e.status !== 'RUNNING') {
      return waitFor(
        async () => {
          const e = await fx.execution(workflowId, executionId);
          return until(e) ? e : null;
        },
        20_000,
        `execution ${executionId} to settle`,
      );
    },
    /** The step execution of step `stepId`, if the execution reached it. */
    stepOf: (e: ExecutionDetail, stepId: string) => e.steps.find((s) => s.stepId === stepId),
  };
  return fx;
}
