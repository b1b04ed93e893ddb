import { waitFor, type TestContext } from './context.js';
import type { ParamRouteCase, TenantFixture } from './tenant-fixtures.js';

// Project A's workflow resources for the tenant-isolation test (tenant-fixtures.ts), and how B probes them.

export interface WorkflowTenantIds {
  /** A's enabled MANUAL workflow (trigger → DELAY → EXIT), its DELAY step, the edge into it, and an execution waiting there. */
  workflowId: string;
  workflowStepId: string;
  workflowTransitionId: string;
  workflowExecutionId: string;
}

export async function createWorkflowFixture(t: TestContext, key: string, contactId: string): Promise<WorkflowTenantIds> {
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await t.request(method, url, { key, body });
    if (res.status >= 300) throw new Error(`fixture: ${method} ${url} failed with ${res.status}: ${res.body}`);
    return res.json;
  };
  const workflow = await call('POST', '/workflows', { name: 'A only workflow', triggerType: 'MANUAL', enabled: true });
  const url = `/workflows/${workflow.id}`;
  const step = await call('POST', `${url}/steps`, { type: 'DELAY', name: 'A only delay', position: { x: 0, y: 100 }, config: { amount: 1, unit: 'days' } });
  await call('POST', `${url}/steps`, { type: 'EXIT', name: 'A only exit', position: { x: 0, y: 200 }, config: {} });
  const transitionId: string = (await call('GET', url)).transitions[0].id;
  const execution = await call('POST', `${url}/executions`, { contactId });
  // Waiting on its one-day delay: nothing changes A's workflow data while B probes it.
  await waitFor(async () => (await call('GET', `${url}/executions/${execution.id}`)).status === 'WAITING', 30_000, "A's workflow execution to wait");
  return { workflowId: workflow.id, workflowStepId: step.id, workflowTransitionId: transitionId, workflowExecutionId: execution.id };
}

export const workflowSnapshotUrls = (f: TenantFixture) => [
  `/workflows/${f.workflowId}`,
  `/workflows/${f.workflowId}/executions`,
  `/workflows/${f.workflowId}/executions/${f.workflowExecutionId}`,
  `/workflows/${f.workflowId}/step-execution-counts`,
  '/workflows',
];

const notFound = { kind: 'not-found' } as const;
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const workflow = (f: TenantFixture) => ({ id: f.workflowId });
const step = (f: TenantFixture) => ({ id: f.workflowId, stepId: f.workflowStepId });
const transition = (f: TenantFixture) => ({ id: f.workflowId, transitionId: f.workflowTransitionId });
const execution = (f: TenantFixture) => ({ id: f.workflowId, executionId: f.workflowExecutionId });

export const WORKFLOW_PARAM_ROUTES: Record<string, ParamRouteCase> = {
  'GET /workflows/{id}': { params: workflow, expect: notFound },
  'PATCH /workflows/{id}': { params: workflow, body: { name: 'hijacked', enabled: false }, expect: notFound },
  'DELETE /workflows/{id}': { params: workflow, expect: notFound },
  'POST /workflows/{id}/steps': { params: workflow, body: { type: 'EXIT', name: 'hijacked', position: { x: 0, y: 0 }, config: {} }, expect: notFound },
  'PATCH /workflows/{id}/steps/{stepId}': { params: step, body: { name: 'hijacked' }, expect: notFound },
  'DELETE /workflows/{id}/steps/{stepId}': { params: step, expect: notFound },
  'POST /workflows/{id}/transitions': { params: workflow, body: { fromStepId: NO_SUCH_ID, toStepId: NO_SUCH_ID }, expect: notFound },
  'DELETE /workflows/{id}/transitions/{transitionId}': { params: transition, expect: notFound },
  'POST /workflows/{id}/transitions/{transitionId}/insert-step': {
    params: transition,
    body: { type: 'DELAY', name: 'hijacked', config: { amount: 1, unit: 'days' } },
    expect: notFound,
  },
  'POST /workflows/{id}/executions': { params: workflow, body: { contactId: NO_SUCH_ID }, expect: notFound },
  'GET /workflows/{id}/executions': { params: workflow, expect: notFound },
  'POST /workflows/{id}/executions/cancel-all': { params: workflow, expect: notFound },
  'GET /workflows/{id}/executions/{executionId}': { params: execution, expect: notFound },
  'DELETE /workflows/{id}/executions/{executionId}': { params: execution, expect: notFound },
  'GET /workflows/{id}/step-execution-counts': { params: workflow, expect: notFound },
};
