import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { workflowApi } from '../../../test/workflow-api.js';

// The executions API: manual start (through the engine), list, detail with step executions, cancel
// one or all, and per-step counts. The worker runs the engine, so executions really reach their steps.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
}, 60_000);
afterAll(() => t.close());

const FOREIGN = '00000000-0000-4000-8000-000000000000';
type Api = ReturnType<typeof workflowApi>;

/** An enabled workflow TRIGGER → DELAY (1 day) → EXIT, and `n` contacts. */
async function delayedFlow(n: number, extra: Record<string, unknown> = {}) {
  const p = await t.newProject();
  const api = workflowApi(t, p);
  const wf = await api.workflow({ ...extra });
  const delay = (await api.post(`/workflows/${wf.id}/steps`, { type: 'DELAY', name: 'Wait a day', position: { x: 0, y: 100 }, config: { amount: 1, unit: 'days' } })).json.id as string;
  await api.post(`/workflows/${wf.id}/steps`, { type: 'EXIT', name: 'Done', position: { x: 0, y: 200 }, config: {} });
  expect((await api.patch(`/workflows/${wf.id}`, { enabled: true })).status).toBe(200);
  const contacts: { id: string; email: string }[] = [];
  for (let i = 0; i < n; i++) {
    const { id, email } = (await api.post('/contacts', { email: `exec-${i}@example.com` })).json;
    contacts.push({ id, email });
  }
  return { p, api, wf, delay, trigger: wf.steps[0].id, contacts };
}

const start = (api: Api, wfId: string, contactId: string, context?: Record<string, unknown>) => api.post(`/workflows/${wfId}/executions`, { contactId, context });
const waiting = (api: Api, wfId: string, id: string) =>
  waitFor(async () => {
    const res = await api.get(`/workflows/${wfId}/executions/${id}`);
    return res.json.status === 'WAITING' ? res.json : null;
  }, 30_000, 'the execution to wait on its delay');

describe('POST /workflows/:id/executions', () => {
  it('starts an execution for a contact of the project', async () => {
    const { api, wf, trigger, contacts } = await delayedFlow(1);
    const res = await start(api, wf.id, contacts[0].id, { plan: 'pro' });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(String), workflowId: wf.id, contactId: contacts[0].id, status: 'RUNNING', currentStepId: trigger,
      exitReason: null, error: null, context: { plan: 'pro' }, startedAt: expect.any(String), completedAt: null,
    });
  });

  it('refuses a disabled workflow, an unknown contact and a second run', async () => {
    const { api, wf, contacts } = await delayedFlow(1);
    const foreignContact = (await workflowApi(t, await t.newProject()).post('/contacts', { email: 'other@example.com' })).json.id;
    for (const id of [foreignContact, FOREIGN, 'bad']) {
      const res = await start(api, wf.id, id);
      expect(res.status, id).toBe(404);
      expect(res.json.error.code).toBe('CONTACT_NOT_FOUND');
    }
    expect((await start(api, wf.id, contacts[0].id)).status).toBe(201);
    const again = await start(api, wf.id, contacts[0].id);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('WORKFLOW_REENTRY_NOT_ALLOWED');

    await api.patch(`/workflows/${wf.id}`, { allowReentry: true });
    expect((await start(api, wf.id, contacts[0].id)).json.error.code).toBe('WORKFLOW_ALREADY_RUNNING');

    await api.patch(`/workflows/${wf.id}`, { enabled: false });
    const disabled = await start(api, wf.id, contacts[0].id);
    expect(disabled.status).toBe(409);
    expect(disabled.json.error).toMatchObject({ code: 'WORKFLOW_NOT_ENABLED', message: 'Workflow is not enabled' });
    expect((await start(workflowApi(t, await t.newProject()), wf.id, contacts[0].id)).json.error.code).toBe('WORKFLOW_NOT_FOUND');
  });
});

describe('reading executions', () => {
  it('lists newest first with the contact, pages, filters by status; shows one with its step executions', async () => {
    const { api, wf, delay, trigger, contacts } = await delayedFlow(3);
    const ids: string[] = [];
    for (const c of contacts) ids.push((await start(api, wf.id, c.id)).json.id);
    const detail = await waiting(api, wf.id, ids[0]);
    expect(detail).toMatchObject({ id: ids[0], status: 'WAITING', currentStepId: delay, contact: contacts[0], workflow: { id: wf.id, name: 'Onboarding' } });
    expect(detail.steps).toEqual([
      expect.objectContaining({ stepId: trigger, stepType: 'TRIGGER', stepName: 'Trigger: signed-up', status: 'COMPLETED' }),
      expect.objectContaining({ stepId: delay, stepType: 'DELAY', stepName: 'Wait a day', status: 'SCHEDULED', resumeAt: expect.any(String), completedAt: null }),
    ]);
    // Names come from the execution's snapshot, not the live step.
    await api.patch(`/workflows/${wf.id}/steps/${delay}`, { name: 'Renamed later' });
    expect((await api.get(`/workflows/${wf.id}/executions/${ids[0]}`)).json.steps[1].stepName).toBe('Wait a day');

    await waiting(api, wf.id, ids[2]);
    await api.del(`/workflows/${wf.id}/executions/${ids[1]}`);
    const page1 = await api.get(`/workflows/${wf.id}/executions?pageSize=2`);
    expect(page1.status, page1.body).toBe(200);
    expect(page1.json).toMatchObject({ total: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(page1.json.executions.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(page1.json.executions[0].contact).toEqual(contacts[2]);
    expect((await api.get(`/workflows/${wf.id}/executions?pageSize=2&page=2`)).json.executions.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect((await api.get(`/workflows/${wf.id}/executions?status=CANCELLED`)).json.executions.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
    expect((await api.get(`/workflows/${wf.id}/executions?status=DONE`)).status).toBe(422);
    expect((await api.get(`/workflows?search=Onboarding`)).json.workflows[0]._count).toEqual({ steps: 3, executions: 3 });
  });

  it('counts active executions per current step', async () => {
    const { api, wf, delay, contacts } = await delayedFlow(2);
    const ids = [(await start(api, wf.id, contacts[0].id)).json.id, (await start(api, wf.id, contacts[1].id)).json.id];
    for (const id of ids) await waiting(api, wf.id, id);
    expect((await api.get(`/workflows/${wf.id}/step-execution-counts`)).json).toEqual({ counts: { [delay]: 2 } });
    await api.del(`/workflows/${wf.id}/executions/${ids[0]}`);
    expect((await api.get(`/workflows/${wf.id}/step-execution-counts`)).json).toEqual({ counts: { [delay]: 1 } });
  });

  it("answers 404 for unknown executions and for another workflow's or project's", async () => {
    const { api, wf, contacts } = await delayedFlow(1);
    const id = (await start(api, wf.id, contacts[0].id)).json.id;
    const other = await api.workflow({ name: 'Other' });
    for (const [w, e] of [[wf.id, FOREIGN], [wf.id, 'bad'], [other.id, id]]) {
      for (const res of [await api.get(`/workflows/${w}/executions/${e}`), await api.del(`/workflows/${w}/executions/${e}`)]) {
        expect(res.status, `${w}/${e}`).toBe(404);
        expect(res.json.error.code).toBe('WORKFLOW_EXECUTION_NOT_FOUND');
      }
    }
    const stranger = workflowApi(t, await t.newProject());
    for (const url of [`/workflows/${wf.id}/executions`, `/workflows/${wf.id}/executions/${id}`, `/workflows/${wf.id}/step-execution-counts`]) {
      const res = await stranger.get(url);
      expect(res.status, url).toBe(404);
      expect(res.json.error.code).toBe('WORKFLOW_NOT_FOUND');
    }
    expect((await stranger.post(`/workflows/${wf.id}/executions/cancel-all`)).status).toBe(404);
    expect((await api.get(`/workflows/${wf.id}/executions/${id}`)).json.status).not.toBe('CANCELLED');
  });
});

describe('cancelling', () => {
  it('cancels one execution with its scheduled step; a finished one is 409', async () => {
    const { p, api, wf, delay, contacts } = await delayedFlow(1);
    const id = (await start(api, wf.id, contacts[0].id)).json.id;
    await waiting(api, wf.id, id);
    const res = await api.del(`/workflows/${wf.id}/executions/${id}`);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ id, status: 'CANCELLED', completedAt: expect.any(String), currentStepId: delay });
    const detail = (await api.get(`/workflows/${wf.id}/executions/${id}`)).json;
    expect(detail.steps.map((s: { status: string }) => s.status)).toEqual(['COMPLETED', 'CANCELLED']);
    expect(detail.steps[1].completedAt).toEqual(expect.any(String));
    const again = await api.del(`/workflows/${wf.id}/executions/${id}`);
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'CONFLICT', details: { status: 'CANCELLED' } });
    const activity = (await t.request('GET', '/activity?type=workflow.execution.*', { key: p.secretKey })).json.data.map((a: { type: string }) => a.type);
    expect(activity).toEqual(['workflow.execution.cancelled', 'workflow.execution.started']);
  });

  it('cancels every active execution at once', async () => {
    const { api, wf, contacts } = await delayedFlow(3);
    const ids: string[] = [];
    for (const c of contacts) ids.push((await start(api, wf.id, c.id)).json.id);
    for (const id of ids) await waiting(api, wf.id, id);
    await api.del(`/workflows/${wf.id}/executions/${ids[0]}`);
    const res = await api.post(`/workflows/${wf.id}/executions/cancel-all`);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ cancelled: 2 });
    expect((await api.post(`/workflows/${wf.id}/executions/cancel-all`)).json).toEqual({ cancelled: 0 });
    expect((await api.get(`/workflows/${wf.id}/executions?status=CANCELLED`)).json.total).toBe(3);
    expect((await api.get(`/workflows/${wf.id}/step-execution-counts`)).json).toEqual({ counts: {} });
    // Nothing active any more: the workflow can be deleted.
    expect((await api.del(`/workflows/${wf.id}`)).status).toBe(204);
  });
});
