import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { CONDITION, DELAY, MULTI, workflowApi } from '../../../test/workflow-api.js';

// Transitions and the structural rules every edge must pass (400 INVALID_WORKFLOW_GRAPH), including
// under concurrent edits: the workflow row is locked for each edit.

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

function expectGraphError(res: { status: number; json: any; body: string }, message: RegExp) {
  expect(res.status, res.body).toBe(400);
  expect(res.json.error.code).toBe('INVALID_WORKFLOW_GRAPH');
  expect(res.json.error.message).toMatch(message);
}

describe('POST /workflows/:id/transitions', () => {
  it('connects two steps with a plain edge and shows it on the workflow', async () => {
    const { api, wf, trigger } = await setup();
    const delay = await api.step(wf.id, 'DELAY', DELAY);
    const res = await api.connect(wf.id, trigger, delay, { priority: 3 });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toEqual({ id: expect.any(String), fromStepId: trigger, toStepId: delay, condition: null, waitOutcome: null, branch: null, priority: 3 });
    expect((await api.detail(wf.id)).transitions).toEqual([res.json]);
  });

  it('refuses a self-loop', async () => {
    const { api, wf } = await setup();
    const delay = await api.step(wf.id, 'DELAY', DELAY);
    expectGraphError(await api.connect(wf.id, delay, delay), /cannot be connected to itself/);
  });

  it('refuses a cycle (A→B→C→A)', async () => {
    const { api, wf } = await setup();
    const [a, b, c] = [await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'DELAY', DELAY)];
    expect((await api.connect(wf.id, a, b)).status).toBe(201);
    expect((await api.connect(wf.id, b, c)).status).toBe(201);
    expectGraphError(await api.connect(wf.id, c, a), /loop/);
  });

  it('refuses anything after an EXIT step and any edge into the trigger', async () => {
    const { api, wf, trigger } = await setup();
    const exit = await api.step(wf.id, 'EXIT', { reason: 'done' });
    const delay = await api.step(wf.id, 'DELAY', DELAY);
    expectGraphError(await api.connect(wf.id, exit, delay), /EXIT step ends the flow/);
    expectGraphError(await api.connect(wf.id, delay, trigger), /into the trigger/);
  });

  it('gives a plain step one outgoing edge, without branch or outcome', async () => {
    const { api, wf, trigger } = await setup();
    const [a, b] = [await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'EXIT')];
    expect((await api.connect(wf.id, trigger, a)).status).toBe(201);
    expectGraphError(await api.connect(wf.id, trigger, b), /already leads to another step/);
    expectGraphError(await api.connect(wf.id, a, b, { condition: { branch: 'yes' } }), /takes no condition branch/);
    expectGraphError(await api.connect(wf.id, a, b, { waitOutcome: 'EVENT' }), /takes no condition branch or wait outcome/);
  });

  it('keys CONDITION edges by branch yes/no, once each, and refuses other names', async () => {
    const { api, wf } = await setup();
    const cond = await api.step(wf.id, 'CONDITION', CONDITION);
    const [a, b, c] = [await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT')];
    const yes = await api.connect(wf.id, cond, a, { condition: { branch: 'yes' } });
    expect(yes.status, yes.body).toBe(201);
    expect(yes.json).toMatchObject({ condition: { branch: 'yes' }, waitOutcome: null, branch: 'yes' });
    expect((await api.connect(wf.id, cond, b, { condition: { branch: 'no' } })).status).toBe(201);
    expectGraphError(await api.connect(wf.id, cond, c, { condition: { branch: 'yes' } }), /Branch "yes" of step .* already exists/);
    expectGraphError(await api.connect(wf.id, cond, c, { condition: { branch: 'maybe' } }), /"maybe" is not a branch.*yes, no/);
    expectGraphError(await api.connect(wf.id, cond, c), /needs condition.branch/);
    expectGraphError(await api.connect(wf.id, cond, c, { waitOutcome: 'EVENT' }), /waitOutcome is for WAIT_FOR_EVENT/);
  });

  it('keys multi-branch CONDITION edges by branch id or default', async () => {
    const { api, wf } = await setup();
    const cond = await api.step(wf.id, 'CONDITION', MULTI);
    const [a, b, c] = [await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT')];
    for (const [branch, to] of [['pro', a], ['free', b], ['default', c]]) {
      const res = await api.connect(wf.id, cond, to, { condition: { branch } });
      expect(res.status, res.body).toBe(201);
      expect(res.json.condition).toEqual({ branch });
    }
    expectGraphError(await api.connect(wf.id, cond, a, { condition: { branch: 'yes' } }), /not a branch.*pro, free, default/);
    expectGraphError(await api.connect(wf.id, cond, a, { condition: { branch: 'default' } }), /already exists/);
  });

  it('keys WAIT_FOR_EVENT edges by outcome; TIMEOUT needs a timeout', async () => {
    const { api, wf } = await setup();
    const noTimeout = await api.step(wf.id, 'WAIT_FOR_EVENT', { eventName: 'clicked' });
    const withTimeout = await api.step(wf.id, 'WAIT_FOR_EVENT', { eventName: 'clicked', timeout: 3600 });
    const [a, b, c] = [await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT'), await api.step(wf.id, 'EXIT')];
    expectGraphError(await api.connect(wf.id, noTimeout, a, { waitOutcome: 'TIMEOUT' }), /TIMEOUT connection needs the wait step to have a timeout/);
    expectGraphError(await api.connect(wf.id, noTimeout, a), /needs waitOutcome/);
    expectGraphError(await api.connect(wf.id, noTimeout, a, { condition: { branch: 'EVENT' } }), /takes waitOutcome/);
    const event = await api.connect(wf.id, noTimeout, a, { waitOutcome: 'EVENT' });
    expect(event.status, event.body).toBe(201);
    expect(event.json).toMatchObject({ waitOutcome: 'EVENT', condition: null, branch: 'EVENT' });
    expectGraphError(await api.connect(wf.id, noTimeout, b, { waitOutcome: 'EVENT' }), /EVENT outcome of step .* already exists/);
    expect((await api.connect(wf.id, withTimeout, b, { waitOutcome: 'EVENT' })).status).toBe(201);
    const timeout = await api.connect(wf.id, withTimeout, c, { waitOutcome: 'TIMEOUT' });
    expect(timeout.status, timeout.body).toBe(201);
    expect(timeout.json.waitOutcome).toBe('TIMEOUT');
  });

  it('answers 404 WORKFLOW_STEP_NOT_FOUND for unknown, deleted and other workflows\' steps', async () => {
    const { api, wf, trigger } = await setup();
    const otherWf = await api.workflow();
    const otherProjectStep = await workflowApi(t, await t.newProject()).workflow().then((w) => w.steps[0].id);
    const deleted = await api.step(wf.id, 'DELAY', DELAY);
    await api.del(`/workflows/${wf.id}/steps/${deleted}`);
    for (const to of [FOREIGN, 'bad', otherWf.steps[0].id, otherProjectStep, deleted]) {
      const res = await api.connect(wf.id, trigger, to);
      expect(res.status, to).toBe(404);
      expect(res.json.error.code).toBe('WORKFLOW_STEP_NOT_FOUND');
    }
    // Another project's workflow is not found at all.
    const foreign = await workflowApi(t, await t.newProject()).connect(wf.id, trigger, deleted);
    expect(foreign.json.error.code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('lets concurrent edits create neither a cycle nor two edges for one outcome', async () => {
    for (let round = 0; round < 3; round++) {
      const { api, wf } = await setup();
      const [a, b, c] = [await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'DELAY', DELAY)];
      const cycle = await Promise.all([api.connect(wf.id, a, b), api.connect(wf.id, b, a)]);
      expect(cycle.map((r) => r.status).sort()).toEqual([201, 400]);
      const twice = await Promise.all([api.connect(wf.id, c, a), api.connect(wf.id, c, b)]);
      expect(twice.map((r) => r.status).sort()).toEqual([201, 400]);
      expect(twice.find((r) => r.status === 400)!.json.error.code).toBe('INVALID_WORKFLOW_GRAPH');
      expect((await api.detail(wf.id)).transitions).toHaveLength(2);
    }
  });
});

describe('DELETE /workflows/:id/transitions/:transitionId', () => {
  it('removes the edge (204) and frees the outcome; 404 for unknown or foreign ids', async () => {
    const { api, wf, trigger } = await setup();
    const [a, b] = [await api.step(wf.id, 'DELAY', DELAY), await api.step(wf.id, 'EXIT')];
    const edge = (await api.connect(wf.id, trigger, a)).json;
    const res = await api.del(`/workflows/${wf.id}/transitions/${edge.id}`);
    expect(res.status, res.body).toBe(204);
    expect((await api.detail(wf.id)).transitions).toEqual([]);
    expect((await api.connect(wf.id, trigger, b)).status).toBe(201);
    for (const id of [edge.id, FOREIGN, 'bad']) {
      const again = await api.del(`/workflows/${wf.id}/transitions/${id}`);
      expect(again.status).toBe(404);
      expect(again.json.error.code).toBe('WORKFLOW_TRANSITION_NOT_FOUND');
    }
    // A transition of another workflow of the same project is not found through this one.
    const other = await api.workflow();
    const otherStep = await api.step(other.id, 'EXIT');
    const otherEdge = (await api.connect(other.id, other.steps[0].id, otherStep)).json;
    expect((await api.del(`/workflows/${wf.id}/transitions/${otherEdge.id}`)).status).toBe(404);
    // Nor one of another project's workflow.
    const stranger = workflowApi(t, await t.newProject());
    const theirs = await stranger.workflow();
    const theirEdge = (await stranger.connect(theirs.id, theirs.steps[0].id, await stranger.step(theirs.id, 'EXIT'))).json;
    const inserted = await api.post(`/workflows/${wf.id}/transitions/${theirEdge.id}/insert-step`, { type: 'DELAY', name: 'x', config: DELAY });
    expect(inserted.json.error.code).toBe('WORKFLOW_TRANSITION_NOT_FOUND');
    expect((await stranger.detail(theirs.id)).transitions).toEqual([theirEdge]);
  });
});
