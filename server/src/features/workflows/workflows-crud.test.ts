import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { workflowApi } from '../../../test/workflow-api.js';

// The /workflows resource: create (with its trigger step), list, get, update, delete, fields.
// Graph edits are in workflow-graph.test.ts / workflow-steps.test.ts, executions in executions.test.ts.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const FOREIGN = '00000000-0000-4000-8000-000000000000';

describe('POST /workflows', () => {
  it('creates a disabled EVENT workflow with its trigger step', async () => {
    const api = workflowApi(t, await t.newProject());
    const res = await api.post('/workflows', { name: 'Welcome', description: 'New users', eventName: '  signed-up  ' });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toMatchObject({
      name: 'Welcome', description: 'New users', enabled: false, triggerType: 'EVENT', triggerConfig: { eventName: 'signed-up' }, eventName: 'signed-up', allowReentry: false,
      transitions: [], _count: { steps: 1, executions: 0 },
    });
    expect(res.json.steps).toEqual([
      expect.objectContaining({ type: 'TRIGGER', name: 'Trigger: signed-up', config: { eventName: 'signed-up' }, position: { x: 0, y: 0 }, templateId: null, template: null, workflowId: res.json.id }),
    ]);
  });

  it('stores the canonical name of an event alias (email.open → email.opened)', async () => {
    const api = workflowApi(t, await t.newProject());
    const res = await api.post('/workflows', { name: 'Opened', eventName: 'email.open' });
    expect(res.json).toMatchObject({ eventName: 'email.opened', triggerConfig: { eventName: 'email.opened' } });
    expect(res.json.steps[0]).toMatchObject({ name: 'Trigger: email.opened', config: { eventName: 'email.opened' } });
  });

  it('creates a MANUAL workflow without an event', async () => {
    const api = workflowApi(t, await t.newProject());
    const res = await api.post('/workflows', { name: 'By hand', triggerType: 'MANUAL', enabled: true, allowReentry: true });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toMatchObject({ triggerType: 'MANUAL', eventName: null, triggerConfig: null, enabled: true, allowReentry: true });
    expect(res.json.steps[0]).toMatchObject({ type: 'TRIGGER', name: 'Manual trigger', config: {} });
  });

  it('refuses a missing or blank event name, a long name and an event on a MANUAL workflow with 422', async () => {
    const api = workflowApi(t, await t.newProject());
    for (const [body, field, message] of [
      [{ name: 'x' }, 'eventName', 'Event name is required'],
      [{ name: 'x', eventName: '   ' }, 'eventName', 'Event name is required'],
      [{ name: 'x'.repeat(101), eventName: 'e' }, 'name', undefined],
      [{ name: ' ', eventName: 'e' }, 'name', 'Name is required'],
      [{ name: 'x', triggerType: 'MANUAL', eventName: 'e' }, 'eventName', 'A MANUAL workflow has no event name'],
    ] as const) {
      const res = await api.post('/workflows', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_ERROR');
      expect(res.json.error.errors[0].field).toBe(field);
      if (message) expect(res.json.error.errors[0].message).toBe(message);
    }
    expect((await api.get('/workflows')).json.total).toBe(0);
  });

  it('replays a repeated Idempotency-Key instead of creating twice', async () => {
    const p = await t.newProject();
    const send = () => t.request('POST', '/workflows', { key: p.secretKey, headers: { 'idempotency-key': 'wf-1' }, body: { name: 'Once', eventName: 'e' } });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await workflowApi(t, p).get('/workflows')).json.total).toBe(1);
  });

  it('records an activity entry', async () => {
    const p = await t.newProject();
    const wf = await workflowApi(t, p).workflow({ name: 'Audited' });
    const activity = await t.request('GET', '/activity?type=workflow.*', { key: p.secretKey });
    expect(activity.json.data).toEqual([expect.objectContaining({ type: 'workflow.created', metadata: expect.objectContaining({ workflowId: wf.id, name: 'Audited' }) })]);
  });
});

describe('GET /workflows', () => {
  it('pages newest first, searches names case-insensitively, filters by enabled, and counts steps and executions', async () => {
    const api = workflowApi(t, await t.newProject());
    const ids: string[] = [];
    for (const [name, enabled] of [['Alpha flow', false], ['Bravo flow', true], ['Charlie', false]] as const) ids.push((await api.workflow({ name, enabled })).id);
    await api.step(ids[0], 'DELAY', { amount: 1, unit: 'days' });

    const page1 = await api.get('/workflows?pageSize=2');
    expect(page1.status, page1.body).toBe(200);
    expect(page1.json).toMatchObject({ total: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(page1.json.workflows.map((w: { name: string }) => w.name)).toEqual(['Charlie', 'Bravo flow']);
    const page2 = await api.get('/workflows?pageSize=2&page=2');
    expect(page2.json.workflows).toEqual([expect.objectContaining({ name: 'Alpha flow', _count: { steps: 2, executions: 0 } })]);
    expect(page2.json.workflows[0].steps).toBeUndefined();

    expect((await api.get('/workflows?search=FLOW')).json.workflows.map((w: { name: string }) => w.name)).toEqual(['Bravo flow', 'Alpha flow']);
    expect((await api.get('/workflows?search=100%25')).json.total).toBe(0);
    expect((await api.get('/workflows?enabled=true')).json.workflows.map((w: { id: string }) => w.id)).toEqual([ids[1]]);
    expect((await api.get('/workflows?enabled=false')).json.total).toBe(2);
    expect((await api.get('/workflows?pageSize=101')).status).toBe(422);
  });
});

describe('GET /workflows/:id', () => {
  it('answers 404 WORKFLOW_NOT_FOUND for unknown, malformed and other projects\' ids', async () => {
    const other = await workflowApi(t, await t.newProject()).workflow();
    const api = workflowApi(t, await t.newProject());
    for (const id of [FOREIGN, 'nope', other.id]) {
      for (const res of [await api.get(`/workflows/${id}`), await api.patch(`/workflows/${id}`, { name: 'x' }), await api.del(`/workflows/${id}`)]) {
        expect(res.status, id).toBe(404);
        expect(res.json.error.code).toBe('WORKFLOW_NOT_FOUND');
      }
    }
    expect((await t.request('GET', `/workflows/${other.id}`, { key: (await t.newProject()).secretKey })).status).toBe(404);
  });

  it('shows steps with their template and the transitions between live steps', async () => {
    const api = workflowApi(t, await t.newProject());
    const tpl = await api.post('/templates', { name: 'Hello tpl', subject: 'Hi there', body: '<p>Hi</p>', from: 'a@example.com' });
    const wf = await api.workflow();
    const send = await api.post(`/workflows/${wf.id}/steps`, { type: 'SEND_EMAIL', name: 'Send', position: { x: 0, y: 100 }, config: {}, templateId: tpl.json.id });
    expect(send.status, send.body).toBe(201);
    expect(send.json.template).toEqual({ id: tpl.json.id, name: 'Hello tpl', subject: 'Hi there' });
    const detail = await api.detail(wf.id);
    expect(detail.steps.map((s: { type: string }) => s.type)).toEqual(['TRIGGER', 'SEND_EMAIL']);
    expect(detail.steps[1].template).toEqual({ id: tpl.json.id, name: 'Hello tpl', subject: 'Hi there' });
    expect(detail.transitions).toEqual([
      { id: expect.any(String), fromStepId: wf.steps[0].id, toStepId: send.json.id, condition: null, waitOutcome: null, branch: null, priority: 0 },
    ]);
  });
});

describe('PATCH /workflows/:id', () => {
  it('updates fields, canonicalises a new event and renames the default trigger step', async () => {
    const p = await t.newProject();
    const api = workflowApi(t, p);
    const wf = await api.workflow();
    const res = await api.patch(`/workflows/${wf.id}`, { name: 'Renamed', description: null, eventName: 'email.click', allowReentry: true });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ name: 'Renamed', description: null, eventName: 'email.clicked', triggerConfig: { eventName: 'email.clicked' }, allowReentry: true, enabled: false });
    expect(res.json.steps[0]).toMatchObject({ name: 'Trigger: email.clicked', config: { eventName: 'email.clicked' } });

    // A trigger the user renamed keeps its name.
    await api.patch(`/workflows/${wf.id}/steps/${wf.steps[0].id}`, { name: 'My trigger' });
    const again = await api.patch(`/workflows/${wf.id}`, { eventName: 'upgraded' });
    expect(again.json.steps[0]).toMatchObject({ name: 'My trigger', config: { eventName: 'upgraded' } });
  });

  it('records enable and disable in the activity log', async () => {
    const p = await t.newProject();
    const api = workflowApi(t, p);
    const wf = await api.workflow();
    expect((await api.patch(`/workflows/${wf.id}`, { enabled: true })).json.enabled).toBe(true);
    expect((await api.patch(`/workflows/${wf.id}`, { enabled: false })).json.enabled).toBe(false);
    await api.patch(`/workflows/${wf.id}`, { name: 'New name' });
    const types = (await t.request('GET', '/activity?type=workflow.*', { key: p.secretKey })).json.data.map((a: { type: string }) => a.type);
    expect(types).toEqual(['workflow.updated', 'workflow.disabled', 'workflow.enabled', 'workflow.created']);
  });

  it('refuses a blank event name (422) and an event name on a MANUAL workflow', async () => {
    const api = workflowApi(t, await t.newProject());
    const wf = await api.workflow();
    expect((await api.patch(`/workflows/${wf.id}`, { eventName: ' ' })).status).toBe(422);
    const manual = await api.workflow({ triggerType: 'MANUAL', eventName: undefined });
    const res = await api.patch(`/workflows/${manual.id}`, { eventName: 'x' });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0]).toMatchObject({ field: 'eventName', message: 'A MANUAL workflow has no event name' });
  });

  it('keeps the event name once the workflow has run (409), while other edits still work', async () => {
    const p = await t.newProject();
    const api = workflowApi(t, p);
    const wf = await api.workflow({ enabled: true });
    const contact = await api.post('/contacts', { email: 'ran@example.com' });
    const started = await api.post(`/workflows/${wf.id}/executions`, { contactId: contact.json.id });
    expect(started.status, started.body).toBe(201);
    const res = await api.patch(`/workflows/${wf.id}`, { eventName: 'other-event' });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('CONFLICT');
    // The same name (or its alias spelling) is not a change.
    expect((await api.patch(`/workflows/${wf.id}`, { eventName: 'signed-up', name: 'Still editable' })).status).toBe(200);
    expect((await api.detail(wf.id)).eventName).toBe('signed-up');
  });
});

describe('DELETE /workflows/:id', () => {
  it('deletes with its steps (204) and is refused while executions are active (409)', async () => {
    const p = await t.newProject();
    const api = workflowApi(t, p);
    const wf = await api.workflow({ enabled: true });
    const contact = await api.post('/contacts', { email: 'active@example.com' });
    const exec = await api.post(`/workflows/${wf.id}/executions`, { contactId: contact.json.id });
    expect(exec.status, exec.body).toBe(201);
    const refused = await api.del(`/workflows/${wf.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'CONFLICT', details: { activeExecutions: 1 } });

    expect((await api.del(`/workflows/${wf.id}/executions/${exec.json.id}`)).status).toBe(200);
    const res = await api.del(`/workflows/${wf.id}`);
    expect(res.status, res.body).toBe(204);
    expect(res.body).toBe('');
    expect((await api.get(`/workflows/${wf.id}`)).status).toBe(404);
    const types = (await t.request('GET', '/activity?type=workflow.deleted', { key: p.secretKey })).json.data;
    expect(types).toHaveLength(1);
  });
});

describe('GET /workflows/fields', () => {
  it('lists contact fields and the data keys of recent events of that name (aliases included)', async () => {
    const p = await t.newProject();
    const api = workflowApi(t, p);
    await api.post('/contacts', { email: 'f1@example.com', data: { plan: 'pro', company: 'Acme' } });
    for (const data of [{ amount: 3, sku: 'a' }, { coupon: 'x' }]) {
      const res = await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'purchase', email: 'f1@example.com', data } });
      expect(res.status, res.body).toBe(200);
    }
    await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'other', email: 'f1@example.com', data: { unrelated: 1 } } });
    const res = await api.get('/workflows/fields?eventName=purchase');
    expect(res.status, res.body).toBe(200);
    expect(res.json.contactFields).toEqual(expect.arrayContaining(['contact.email', 'contact.subscribed', 'data.plan', 'data.company']));
    expect(res.json.eventFields.sort()).toEqual(['event.amount', 'event.coupon', 'event.sku']);
    expect((await api.get('/workflows/fields')).json.eventFields).toEqual([]);
    // Another project sees none of it.
    const other = await workflowApi(t, await t.newProject()).get('/workflows/fields?eventName=purchase');
    expect(other.json).toEqual({ contactFields: ['contact.email', 'contact.subscribed'], eventFields: [] });
  });
});
