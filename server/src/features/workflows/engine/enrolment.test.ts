import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../../test/context.js';
import { engineFixture } from '../../../../test/workflow-fixtures.js';
import { events } from '../../../db/schema/index.js';
import { dispatchPendingEvents } from './dispatcher.service.js';

// Who gets enrolled, and how often: /v1/track and system events through the outbox, the re-entry
// rules, manual starts and their errors.

let t: TestContext;
let fx: ReturnType<typeof engineFixture>;

beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker({ workflowPoller: false });
  fx = engineFixture(t);
});
afterAll(() => t.close());

const eventRows = (contactId: string) => t.deps.db.select().from(events).where(eq(events.contactId, contactId));
const exitFlow = (extra: Record<string, unknown> = {}) => fx.flow({ steps: [{ key: 'exit', type: 'EXIT' }], ...extra });

describe('event enrolment', () => {
  it('enrols a contact tracked with the public key into enabled workflows of that event only', async () => {
    const on = await exitFlow({ eventName: 'trial-started' });
    const off = await exitFlow({ eventName: 'trial-started', enabled: false });
    const other = await exitFlow({ eventName: 'something-else' });
    const contactId = await fx.track('trial@example.com', 'trial-started', { plan: 'pro' });
    const [e] = await fx.enrolled(on.id);
    expect(e.contact).toMatchObject({ id: contactId, email: 'trial@example.com' });
    expect((await fx.settled(on.id, e.id)).context).toEqual({ plan: 'pro' });
    expect(await fx.executions(off.id)).toEqual([]);
    expect(await fx.executions(other.id)).toEqual([]);
  });

  it('enrols on a system event (email.sent after /v1/send)', async () => {
    const wf = await exitFlow({ eventName: 'email.sent' });
    const sent = await t.request('POST', '/v1/send', { body: { to: 'sys@example.com', subject: 'Hello', body: '<p>Hi</p>' } });
    expect(sent.status).toBe(200);
    const [e] = await fx.enrolled(wf.id);
    expect(e.contact.email).toBe('sys@example.com');
    const done = await fx.settled(wf.id, e.id);
    expect(fx.stepOf(done, wf.steps.trigger)?.output).toMatchObject({ eventName: 'email.sent' });
    expect(done.context).toMatchObject({ subject: 'Hello', sourceType: 'TRANSACTIONAL' });
  });

  it('allowReentry=false: a contact never enters twice', async () => {
    const wf = await exitFlow({ eventName: 'visit-once' });
    await fx.track('once@example.com', 'visit-once');
    const [e] = await fx.enrolled(wf.id);
    await fx.settled(wf.id, e.id);
    await fx.track('once@example.com', 'visit-once');
    await fx.sweep();
    await fx.sweep();
    expect(await fx.executions(wf.id)).toHaveLength(1);
  });

  it('allowReentry=true: again once the previous execution ended, never two at once', async () => {
    const wf = await fx.flow({ eventName: 'visit-again', allowReentry: true, steps: [{ key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'days' } }] });
    await fx.track('again@example.com', 'visit-again');
    const [first] = await fx.enrolled(wf.id);
    expect((await fx.settled(wf.id, first.id)).status).toBe('WAITING');
    // Still active: the second event enrols nobody.
    await fx.track('again@example.com', 'visit-again');
    await fx.sweep();
    expect(await fx.executions(wf.id)).toHaveLength(1);
    expect((await t.request('DELETE', `/workflows/${wf.id}/executions/${first.id}`)).status).toBe(200);
    await fx.track('again@example.com', 'visit-again');
    const list = await fx.enrolled(wf.id, 2);
    expect(list).toHaveLength(2);
    expect(list.filter((x) => x.status === 'CANCELLED')).toHaveLength(1);
    expect(list.filter((x) => x.status !== 'CANCELLED').map((x) => x.status)).toEqual([expect.stringMatching(/^(RUNNING|WAITING)$/)]);
  });
});

describe('the outbox', () => {
  it('keeps undispatched events pending, and concurrent sweeps enrol each exactly once', async () => {
    const wf = await exitFlow({ eventName: 'outbox-1', allowReentry: true });
    // Tracked while no dispatcher runs: stored and flagged, nobody enrolled.
    const contacts = await Promise.all(Array.from({ length: 12 }, (_, i) => fx.track(`outbox-${i}@example.com`, 'outbox-1')));
    const contactId = contacts[0];
    const [row] = await eventRows(contactId);
    expect(row.dispatchPending).toBe(true);
    expect(await fx.executions(wf.id)).toEqual([]);

    const small = () => dispatchPendingEvents(t.deps, 5);
    const results = await Promise.all([small(), small(), small(), fx.sweep()]);
    expect(results.map((r) => r.enrolled).reduce((a, b) => a + b, 0)).toBe(12);
    const list = await fx.enrolled(wf.id, 12);
    expect(list).toHaveLength(12);
    expect(new Set(list.map((x) => x.contact.id)).size).toBe(12);
    for (const id of contacts) expect((await eventRows(id))[0].dispatchPending).toBe(false);

    // Re-flag an event whose execution has ended (a relay that publishes twice): with re-entry allowed
    // only the (workflow, source event) index stands in the way, and it holds.
    await fx.settled(wf.id, list.find((x) => x.contact.id === contactId)!.id, (x) => x.status === 'EXITED');
    await t.deps.db.update(events).set({ dispatchPending: true }).where(eq(events.id, row.id));
    await fx.sweep();
    await fx.sweep();
    expect(await fx.executions(wf.id)).toHaveLength(12);
    expect((await eventRows(contactId))[0].dispatchPending).toBe(false);
  });

  it('enrols an event a crashed process stored but never dispatched', async () => {
    const wf = await exitFlow({ eventName: 'outbox-2' });
    const contactId = await fx.contact('crashed@example.com');
    // The row as the insert left it (the trigger flags it), as if the process died right after.
    const [inserted] = await t.deps.db.insert(events).values({ projectId: t.project.id, contactId, name: 'outbox-2', data: { n: 1 } }).returning();
    expect(inserted.dispatchPending).toBe(true);
    const [e] = await fx.enrolled(wf.id);
    expect((await fx.settled(wf.id, e.id)).context).toEqual({ n: 1 });
  });

  it('never flags events without a contact or without a listener', async () => {
    await exitFlow({ eventName: 'outbox-3' });
    const [anonymous] = await t.deps.db.insert(events).values({ projectId: t.project.id, contactId: null, name: 'outbox-3' }).returning();
    expect(anonymous.dispatchPending).toBe(false);
    const contactId = await fx.track('nobody@example.com', 'nobody-listens');
    expect((await eventRows(contactId))[0].dispatchPending).toBe(false);
  });
});

describe('manual start', () => {
  it('answers 409, 404 and 409 for disabled workflows, foreign contacts and re-entry', async () => {
    const wf = await fx.flow({ triggerType: 'MANUAL', enabled: false, steps: [{ key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'days' } }] });
    const contactId = await fx.contact('manual@example.com');
    const disabled = await fx.start(wf.id, contactId);
    expect(disabled.status).toBe(409);
    expect(disabled.json.error).toMatchObject({ code: 'WORKFLOW_NOT_ENABLED', message: 'Workflow is not enabled' });
    expect((await fx.api.patch(`/workflows/${wf.id}`, { enabled: true })).status).toBe(200);

    const other = await t.newProject('Other');
    const foreign = await engineFixture(t, other).contact('foreign@example.com');
    const notFound = await fx.start(wf.id, foreign);
    expect(notFound.status).toBe(404);
    expect(notFound.json.error.code).toBe('CONTACT_NOT_FOUND');

    const first = await fx.start(wf.id, contactId, { source: 'api' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ workflowId: wf.id, contactId, status: 'RUNNING', context: { source: 'api' } });
    const again = await fx.start(wf.id, contactId);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('WORKFLOW_REENTRY_NOT_ALLOWED');
  });

  it('answers 409 WORKFLOW_ALREADY_RUNNING while re-entry is allowed but one is active', async () => {
    const wf = await fx.flow({ triggerType: 'MANUAL', allowReentry: true, steps: [{ key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'days' } }] });
    const contactId = await fx.contact('running@example.com');
    const first = await fx.start(wf.id, contactId);
    expect(first.status).toBe(201);
    const running = await fx.start(wf.id, contactId);
    expect(running.status).toBe(409);
    expect(running.json.error.code).toBe('WORKFLOW_ALREADY_RUNNING');
    await fx.settled(wf.id, first.json.id);
    expect((await t.request('DELETE', `/workflows/${wf.id}/executions/${first.json.id}`)).status).toBe(200);
    const second = await waitFor(async () => {
      const r = await fx.start(wf.id, contactId);
      return r.status === 201 ? r : null;
    });
    expect(second.json.id).not.toBe(first.json.id);
  });
});
