import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { CONDITION, DELAY, MULTI, workflowApi } from '../../../test/workflow-api.js';

// Steps: add (auto-connect, per-type config, templates), edit, delete (splice) and insert on an edge.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const FOREIGN = '00000000-0000-4000-8000-000000000000';

async function setup() {
  const api = workflowApi(t, await t.newProject());
  const wf = await api.workflow();
  return { api, wf, trigger: wf.steps[0].id };
}
const edges = (detail: any) =>
  detail.transitions.map((e: { fromStepId: string; toStepId: string; branch: string | null }) => [e.fromStepId, e.toStepId, e.branch]);
const add = (api: ReturnType<typeof workflowApi>, wfId: string, body: Record<string, unknown>) =>
  api.post(`/workflows/${wfId}/steps`, { name: 'Step', position: { x: 1, y: 2 }, ...body });

describe('POST /workflows/:id/steps', () => {
  it('appends to the last open step by default and not after EXIT or a branching step', async () => {
    const { api, wf, trigger } = await setup();
    const a = await add(api, wf.id, { type: 'DELAY', config: DELAY });
    expect(a.status, a.body).toBe(201);
    expect(a.json).toMatchObject({ type: 'DELAY', name: 'Step', position: { x: 1, y: 2 }, config: DELAY, templateId: null, template: null, workflowId: wf.id });
    const b = (await add(api, wf.id, { type: 'CONDITION', config: CONDITION })).json.id;
    const c = (await add(api, wf.id, { type: 'EXIT' })).json.id; // after a CONDITION: not connected
    const d = (await add(api, wf.id, { type: 'DELAY', config: DELAY, autoConnect: false })).json.id;
    expect(edges(await api.detail(wf.id))).toEqual(expect.arrayContaining([[trigger, a.json.id, null], [a.json.id, b, null]]));
    expect(edges(await api.detail(wf.id))).toHaveLength(2);
    await add(api, wf.id, { type: 'EXIT' }); // d is the newest open step
    const detail = await api.detail(wf.id);
    expect(edges(detail)).toHaveLength(3);
    expect(detail.transitions.find((e: { fromStepId: string }) => e.fromStepId === d)).toBeTruthy();
    expect(detail.transitions.find((e: { fromStepId: string }) => e.fromStepId === c)).toBeUndefined();
  });

  it('refuses a second TRIGGER with 400 INVALID_WORKFLOW_GRAPH', async () => {
    const { api, wf } = await setup();
    const res = await add(api, wf.id, { type: 'TRIGGER', config: {} });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'INVALID_WORKFLOW_GRAPH', message: 'This workflow already has a trigger step' });
  });

  it('validates the config of each step type (422 naming config.<field>)', async () => {
    const { api, wf } = await setup();
    const cases: [string, Record<string, unknown>, string, RegExp?][] = [
      ['DELAY', { amount: 0, unit: 'hours' }, 'config.amount'],
      ['DELAY', { amount: 366, unit: 'days' }, 'config.amount', /365 days/],
      ['DELAY', { amount: 1, unit: 'weeks' }, 'config.unit'],
      ['WAIT_FOR_EVENT', {}, 'config.eventName'],
      ['WAIT_FOR_EVENT', { eventName: 'x', timeout: 0 }, 'config.timeout'],
      ['SEND_EMAIL', { recipient: { type: 'CUSTOM' } }, 'config.recipient.customEmail', /required for a CUSTOM recipient/],
      ['SEND_EMAIL', { recipient: { type: 'CUSTOM', customEmail: 'a@example.com\r\nBcc: b@example.com' } }, 'config.recipient.customEmail'],
      ['CONDITION', { field: 'data.plan', operator: 'bogus' }, 'config.operator'],
      ['CONDITION', { mode: 'multi', field: 'data.plan', branches: [] }, 'config.branches'],
      ['WEBHOOK', { url: 'ftp://example.com' }, 'config.url', /http/],
      ['WEBHOOK', { url: 'https://example.com', headers: { 'X-A': 'a\r\nb' } }, 'config.headers.X-A'],
      ['UPDATE_CONTACT', {}, 'config', /updates or a subscriptionAction/],
      ['EXIT', { reason: 'x'.repeat(201) }, 'config.reason'],
      ['EXIT', { unknown: 1 }, 'config'],
    ];
    for (const [type, config, field, message] of cases) {
      const res = await add(api, wf.id, { type, config });
      expect(res.status, `${type} ${JSON.stringify(config)}: ${res.body}`).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_ERROR');
      expect(res.json.error.errors.map((e: { field: string }) => e.field), `${type} ${JSON.stringify(config)}`).toContain(field);
      if (message) expect(res.json.error.errors.find((e: { field: string }) => e.field === field).message).toMatch(message);
    }
    expect((await api.detail(wf.id)).steps).toHaveLength(1);
  });

  it('stores configs normalised: canonical event names, the webhook default method', async () => {
    const { api, wf } = await setup();
    const wait = await add(api, wf.id, { type: 'WAIT_FOR_EVENT', config: { eventName: 'email.open', timeout: 60 } });
    expect(wait.json.config).toEqual({ eventName: 'email.opened', timeout: 60 });
    const hook = await add(api, wf.id, { type: 'WEBHOOK', config: { url: 'https://example.com/hook' } });
    expect(hook.json.config).toEqual({ url: 'https://example.com/hook', method: 'POST' });
  });

  it('takes a template of the project for SEND_EMAIL only (404 TEMPLATE_NOT_FOUND for another project\'s)', async () => {
    const { api, wf } = await setup();
    const foreignTpl = await workflowApi(t, await t.newProject()).post('/templates', { name: 'Theirs', subject: 'S', body: 'B', from: 'a@example.com' });
    const res = await add(api, wf.id, { type: 'SEND_EMAIL', config: {}, templateId: foreignTpl.json.id });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('TEMPLATE_NOT_FOUND');
    expect((await add(api, wf.id, { type: 'SEND_EMAIL', config: {}, templateId: 'nope' })).json.error.code).toBe('TEMPLATE_NOT_FOUND');
    const own = await api.post('/templates', { name: 'Mine', subject: 'S', body: 'B', from: 'a@example.com' });
    const onDelay = await add(api, wf.id, { type: 'DELAY', config: DELAY, templateId: own.json.id });
    expect(onDelay.status).toBe(422);
    expect(onDelay.json.error.errors[0].field).toBe('templateId');
    expect((await api.detail(wf.id)).steps).toHaveLength(1);
  });

  it('answers 404 for another project\'s workflow', async () => {
    const { wf } = await setup();
    const res = await add(workflowApi(t, await t.newProject()), wf.id, { type: 'EXIT' });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('WORKFLOW_NOT_FOUND');
  });
});

describe('PATCH /workflows/:id/steps/:stepId', () => {
  it('renames, moves, reconfigures and sets or clears the template', async () => {
    const { api, wf } = await setup();
    const tpl = await api.post('/templates', { name: 'T', subject: 'Subj', body: 'B', from: 'a@example.com' });
    const step = await api.step(wf.id, 'SEND_EMAIL');
    const res = await api.patch(`/workflows/${wf.id}/steps/${step}`, { name: 'Welcome mail', position: { x: 5, y: 6 }, config: { recipient: { type: 'CONTACT' } }, templateId: tpl.json.id });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ name: 'Welcome mail', position: { x: 5, y: 6 }, config: { recipient: { type: 'CONTACT' } }, templateId: tpl.json.id, template: { id: tpl.json.id, name: 'T', subject: 'Subj' } });
    const cleared = await api.patch(`/workflows/${wf.id}/steps/${step}`, { templateId: null });
    expect(cleared.json).toMatchObject({ templateId: null, template: null, name: 'Welcome mail' });
  });

  it('validates the new config against the step type', async () => {
    const { api, wf } = await setup();
    const step = await api.step(wf.id, 'DELAY', DELAY);
    const res = await api.patch(`/workflows/${wf.id}/steps/${step}`, { config: { amount: -1, unit: 'days' } });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].field).toBe('config.amount');
  });

  it('refuses to drop an outcome that still has an edge (a wait timeout, a branch)', async () => {
    const { api, wf } = await setup();
    const wait = await api.step(wf.id, 'WAIT_FOR_EVENT', { eventName: 'paid', timeout: 600 });
    const cond = await api.step(wf.id, 'CONDITION', CONDITION);
    const [a, b] = [await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT')];
    expect((await api.connect(wf.id, wait, a, { waitOutcome: 'TIMEOUT' })).status).toBe(201);
    expect((await api.connect(wf.id, cond, b, { condition: { branch: 'yes' } })).status).toBe(201);
    const noTimeout = await api.patch(`/workflows/${wf.id}/steps/${wait}`, { config: { eventName: 'paid' } });
    expect(noTimeout.status).toBe(400);
    expect(noTimeout.json.error).toMatchObject({ code: 'INVALID_WORKFLOW_GRAPH', message: expect.stringMatching(/TIMEOUT connection/) });
    expect((await api.patch(`/workflows/${wf.id}/steps/${wait}`, { config: { eventName: 'paid', timeout: 60 } })).status).toBe(200);
    const toMulti = await api.patch(`/workflows/${wf.id}/steps/${cond}`, { config: MULTI });
    expect(toMulti.status).toBe(400);
    expect(toMulti.json.error.message).toMatch(/Branch "yes" still has a connection/);
  });

  it("changes the trigger's event only through the workflow", async () => {
    const { api, wf, trigger } = await setup();
    const res = await api.patch(`/workflows/${wf.id}/steps/${trigger}`, { config: { eventName: 'other' } });
    expect(res.status).toBe(422);
    expect((await api.patch(`/workflows/${wf.id}/steps/${trigger}`, { config: { eventName: 'signed-up' }, position: { x: 9, y: 9 } })).status).toBe(200);
  });

  it('answers 404 WORKFLOW_STEP_NOT_FOUND for unknown, deleted and other workflows\' steps', async () => {
    const { api, wf } = await setup();
    const other = await api.workflow();
    const deleted = await api.step(wf.id, 'EXIT');
    await api.del(`/workflows/${wf.id}/steps/${deleted}`);
    for (const id of [FOREIGN, 'bad', deleted, other.steps[0].id]) {
      const res = await api.patch(`/workflows/${wf.id}/steps/${id}`, { name: 'x' });
      expect(res.status, id).toBe(404);
      expect(res.json.error.code).toBe('WORKFLOW_STEP_NOT_FOUND');
    }
  });
});

describe('DELETE /workflows/:id/steps/:stepId', () => {
  it('never deletes the trigger', async () => {
    const { api, wf, trigger } = await setup();
    const res = await api.del(`/workflows/${wf.id}/steps/${trigger}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'INVALID_WORKFLOW_GRAPH', message: 'Cannot delete the trigger step' });
  });

  it('without splice removes the step and its edges', async () => {
    const { api, wf, trigger } = await setup();
    const a = (await add(api, wf.id, { type: 'DELAY', config: DELAY })).json.id;
    const b = (await add(api, wf.id, { type: 'EXIT' })).json.id;
    const res = await api.del(`/workflows/${wf.id}/steps/${a}`);
    expect(res.status, res.body).toBe(204);
    const detail = await api.detail(wf.id);
    expect(detail.steps.map((s: { id: string }) => s.id)).toEqual([trigger, b]);
    expect(detail.transitions).toEqual([]);
    expect(detail._count.steps).toBe(2);
    expect((await api.del(`/workflows/${wf.id}/steps/${a}`)).status).toBe(404);
  });

  it('with splice reconnects its neighbours, keeping the upstream branch and priority', async () => {
    const { api, wf } = await setup();
    const cond = await api.step(wf.id, 'CONDITION', CONDITION);
    const [mid, end] = [await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'EXIT')];
    await api.connect(wf.id, cond, mid, { condition: { branch: 'no' }, priority: 2 });
    await api.connect(wf.id, mid, end);
    expect((await api.del(`/workflows/${wf.id}/steps/${mid}?splice=true`)).status).toBe(204);
    expect((await api.detail(wf.id)).transitions).toEqual([expect.objectContaining({ fromStepId: cond, toStepId: end, condition: { branch: 'no' }, branch: 'no', priority: 2 })]);
  });

  it('with splice on a step without a way on, or a branching one, only removes it', async () => {
    const { api, wf, trigger } = await setup();
    const last = (await add(api, wf.id, { type: 'DELAY', config: DELAY })).json.id;
    expect((await api.del(`/workflows/${wf.id}/steps/${last}?splice=true`)).status).toBe(204);
    expect((await api.detail(wf.id)).transitions).toEqual([]);
    const cond = (await add(api, wf.id, { type: 'CONDITION', config: CONDITION })).json.id;
    const end = await api.step(wf.id, 'EXIT');
    await api.connect(wf.id, cond, end, { condition: { branch: 'yes' } });
    expect((await api.del(`/workflows/${wf.id}/steps/${cond}?splice=true`)).status).toBe(204);
    expect((await api.detail(wf.id)).transitions).toEqual([]);
    expect((await api.detail(wf.id)).steps.map((s: { id: string }) => s.id)).toEqual([trigger, end]);
  });
});

describe('POST /workflows/:id/transitions/:transitionId/insert-step', () => {
  async function chain() {
    const { api, wf, trigger } = await setup();
    const end = (await add(api, wf.id, { type: 'EXIT', position: { x: 0, y: 200 } })).json.id;
    const edge = (await api.detail(wf.id)).transitions[0];
    return { api, wf, trigger, end, edge };
  }

  it('splits the edge with a plain step (placed halfway by default)', async () => {
    const { api, wf, trigger, end, edge } = await chain();
    const res = await api.post(`/workflows/${wf.id}/transitions/${edge.id}/insert-step`, { type: 'DELAY', name: 'Wait a day', config: { amount: 1, unit: 'days' } });
    expect(res.status, res.body).toBe(201);
    const id = res.json.step.id;
    expect(res.json.step).toMatchObject({ type: 'DELAY', name: 'Wait a day', position: { x: 0, y: 100 } });
    expect(res.json.transitions).toEqual([
      { id: edge.id, fromStepId: trigger, toStepId: id, condition: null, waitOutcome: null, branch: null, priority: 0 },
      { id: expect.any(String), fromStepId: id, toStepId: end, condition: null, waitOutcome: null, branch: null, priority: 0 },
    ]);
    expect(edges(await api.detail(wf.id))).toEqual(expect.arrayContaining([[trigger, id, null], [id, end, null]]));
  });

  it('hangs the rest on "yes" for a CONDITION and on EVENT for a WAIT_FOR_EVENT', async () => {
    const { api, wf, end, edge } = await chain();
    const cond = await api.post(`/workflows/${wf.id}/transitions/${edge.id}/insert-step`, { type: 'CONDITION', name: 'Pro?', config: CONDITION });
    expect(cond.status, cond.body).toBe(201);
    expect(cond.json.transitions[1]).toMatchObject({ fromStepId: cond.json.step.id, toStepId: end, condition: { branch: 'yes' }, branch: 'yes' });
    const wait = await api.post(`/workflows/${wf.id}/transitions/${cond.json.transitions[1].id}/insert-step`, { type: 'WAIT_FOR_EVENT', name: 'Wait', config: { eventName: 'paid' } });
    expect(wait.status, wait.body).toBe(201);
    // The upstream edge keeps its branch.
    expect(wait.json.transitions[0]).toMatchObject({ fromStepId: cond.json.step.id, toStepId: wait.json.step.id, branch: 'yes', condition: { branch: 'yes' } });
    expect(wait.json.transitions[1]).toMatchObject({ fromStepId: wait.json.step.id, toStepId: end, waitOutcome: 'EVENT', branch: 'EVENT' });
  });

  it('refuses EXIT and TRIGGER (400), bad configs (422) and unknown edges (404)', async () => {
    const { api, wf, edge } = await chain();
    for (const type of ['EXIT', 'TRIGGER']) {
      const res = await api.post(`/workflows/${wf.id}/transitions/${edge.id}/insert-step`, { type, name: 'x', config: {} });
      expect(res.status, type).toBe(400);
      expect(res.json.error.code).toBe('INVALID_WORKFLOW_GRAPH');
    }
    expect((await api.post(`/workflows/${wf.id}/transitions/${edge.id}/insert-step`, { type: 'DELAY', name: 'x', config: {} })).status).toBe(422);
    const missing = await api.post(`/workflows/${wf.id}/transitions/${FOREIGN}/insert-step`, { type: 'DELAY', name: 'x', config: DELAY });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('WORKFLOW_TRANSITION_NOT_FOUND');
    expect((await api.detail(wf.id)).steps).toHaveLength(2);
  });
});
