import { and, desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../../test/context.js';
import { engineFixture } from '../../../../test/workflow-fixtures.js';
import { events, workflowExecutions } from '../../../db/schema/index.js';
import type { ProjectWithKeys } from '../../projects/projects.service.js';

// Workflows whose steps cause the events they (or each other) are triggered by: an UPDATE_CONTACT's
// contact.* event, a SEND_EMAIL's email.sent. A workflow never enrols from its own executions' events,
// and chains of workflows stop at MAX_WORKFLOW_CHAIN_DEPTH. Each test has its own project, so the
// workflows of one never listen to the events of another.

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker({ workflowPoller: false });
});
afterAll(() => t.close());

async function setup(name: string) {
  const p = await t.newProject(name);
  return { p, fx: engineFixture(t, p) };
}

const unsubscribe = (p: ProjectWithKeys, contactId: string) =>
  t.request('PATCH', `/contacts/${contactId}`, { key: p.secretKey, body: { subscribed: false } });

/** Sweeps until no execution of the workflows is active and none of the contact's events is pending. */
async function quiesce(fx: ReturnType<typeof engineFixture>, workflowIds: string[], contactId: string) {
  await waitFor(
    async () => {
      await fx.sweep();
      for (const id of workflowIds) {
        if ((await fx.executions(id)).some((e) => e.status === 'RUNNING' || e.status === 'WAITING')) return null;
      }
      const pending = await t.deps.db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.contactId, contactId), eq(events.dispatchPending, true)));
      return pending.length ? null : true;
    },
    20_000,
    'the workflows to go quiet',
  );
}

/** Depths of the workflow's executions, ascending (not part of the API). */
async function depthsOf(workflowId: string): Promise<number[]> {
  const rows = await t.deps.db.select({ depth: workflowExecutions.depth }).from(workflowExecutions).where(eq(workflowExecutions.workflowId, workflowId));
  return rows.map((r) => r.depth).sort((a, b) => a - b);
}

describe('self-triggering workflows (allowReentry=true)', () => {
  it('a workflow on contact.unsubscribed that subscribes and unsubscribes runs once per real event', async () => {
    const { p, fx } = await setup('Self loop: contact');
    const wf = await fx.flow({
      eventName: 'contact.unsubscribed',
      allowReentry: true,
      steps: [
        { key: 'sub', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'subscribe' } },
        { key: 'unsub', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'unsubscribe' } },
      ],
    });
    const contactId = await fx.contact('self-contact@example.com', { subscribed: true });
    expect((await unsubscribe(p, contactId)).status).toBe(200);
    const [first] = await fx.enrolled(wf.id);
    expect((await fx.settled(wf.id, first.id)).status).toBe('COMPLETED');
    await quiesce(fx, [wf.id], contactId);

    expect(await fx.executions(wf.id)).toHaveLength(1);
    const unsubscribed = await t.deps.db
      .select()
      .from(events)
      .where(and(eq(events.contactId, contactId), eq(events.name, 'contact.unsubscribed')))
      .orderBy(events.createdAt);
    // The PATCH's event has no cause; the step's carries its execution (set in the step transaction).
    expect(unsubscribed.map((e) => e.sourceExecutionId)).toEqual([null, first.id]);
    expect((await t.request('GET', `/contacts/${contactId}`, { key: p.secretKey })).json.subscribed).toBe(false);
    expect(t.logs.some((l) => l.includes('"reason":"self"') && l.includes(wf.id))).toBe(true);

    // The setting was transaction-local: a later change through the API is nobody's doing.
    const resubscribed = await t.request('PATCH', `/contacts/${contactId}`, { key: p.secretKey, body: { subscribed: true } });
    expect(resubscribed.status).toBe(200);
    const [subscribed] = await t.deps.db
      .select()
      .from(events)
      .where(and(eq(events.contactId, contactId), eq(events.name, 'contact.subscribed')))
      .orderBy(desc(events.createdAt))
      .limit(1);
    expect(subscribed.sourceExecutionId).toBeNull();
  });

  it('a workflow email’s email.sent never enrols its own workflow, but enrols another one a level deeper', async () => {
    const { p, fx } = await setup('Self loop: email');
    const templateId = await fx.template();
    const sender = await fx.flow({ name: 'Sender', eventName: 'email.sent', allowReentry: true, steps: [{ key: 'send', type: 'SEND_EMAIL', templateId }] });
    const listener = await fx.flow({ name: 'Listener', eventName: 'email.sent', allowReentry: true, steps: [{ key: 'exit', type: 'EXIT' }] });
    const sent = await t.request('POST', '/v1/send', { key: p.secretKey, body: { to: 'self-email@example.com', subject: 'Hello', body: '<p>Hi</p>' } });
    expect(sent.status).toBe(200);
    const [run] = await fx.enrolled(sender.id);
    const done = await fx.settled(sender.id, run.id);
    expect(done.status).toBe('COMPLETED');
    const workflowEmailId: string = fx.stepOf(done, sender.steps.send)!.output.emailId;

    // The workflow email goes out; its email.sent is tagged with the execution and offered to workflows.
    const sentEvent = await waitFor(
      async () => {
        await fx.sweep();
        const [row] = await t.deps.db
          .select()
          .from(events)
          .where(and(eq(events.emailId, workflowEmailId), eq(events.name, 'email.sent')));
        return row && !row.dispatchPending ? row : null;
      },
      20_000,
      'the workflow email to be sent and dispatched',
    );
    expect(sentEvent.sourceExecutionId).toBe(run.id);
    await quiesce(fx, [sender.id, listener.id], run.contact.id);

    expect(await fx.executions(sender.id)).toHaveLength(1);
    expect(await depthsOf(sender.id)).toEqual([0]);
    // The listener ran for the API email (a real event) and for the workflow's email (one level down).
    const listened = await fx.executions(listener.id);
    expect(listened).toHaveLength(2);
    expect(await depthsOf(listener.id)).toEqual([0, 1]);
    const sourceEvents = await t.deps.db
      .select({ emailId: events.emailId })
      .from(events)
      .innerJoin(workflowExecutions, eq(workflowExecutions.sourceEventId, events.id))
      .where(inArray(workflowExecutions.id, listened.map((e) => e.id)));
    expect(sourceEvents.map((e) => e.emailId)).toContain(workflowEmailId);
  });
});

describe('chains of workflows', () => {
  it('A (contact.unsubscribed → subscribe) and B (contact.subscribed → unsubscribe) stop at depth 5', async () => {
    const { p, fx } = await setup('Chain');
    const a = await fx.flow({ name: 'A', eventName: 'contact.unsubscribed', allowReentry: true, steps: [{ key: 'sub', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'subscribe' } }] });
    const b = await fx.flow({ name: 'B', eventName: 'contact.subscribed', allowReentry: true, steps: [{ key: 'unsub', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'unsubscribe' } }] });
    const contactId = await fx.contact('chain@example.com', { subscribed: true });
    expect((await unsubscribe(p, contactId)).status).toBe(200);
    await fx.enrolled(b.id, 3);
    await quiesce(fx, [a.id, b.id], contactId);

    // A0 → B1 → A2 → B3 → A4 → B5; B5's contact.unsubscribed would start A at depth 6: refused.
    expect(await depthsOf(a.id)).toEqual([0, 2, 4]);
    expect(await depthsOf(b.id)).toEqual([1, 3, 5]);
    expect((await fx.executions(a.id)).map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    const contact = await t.request('GET', `/contacts/${contactId}`, { key: p.secretKey });
    expect(contact.json.subscribed).toBe(false);

    const activity = await t.request('GET', '/activity?type=workflow.loop_prevented', { key: p.secretKey });
    expect(activity.status).toBe(200);
    expect(activity.json.data).toHaveLength(1);
    expect(activity.json.data[0]).toMatchObject({ actor: { type: 'system', id: `workflow:${a.id}` }, metadata: { workflowId: a.id, contactId, depth: 6 } });
  });

  it('a manual start is depth 0, and what it causes is depth 1', async () => {
    const { fx } = await setup('Manual chain');
    const wf = await fx.flow({ triggerType: 'MANUAL', steps: [{ key: 'unsub', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'unsubscribe' } }] });
    const follow = await fx.flow({ eventName: 'contact.unsubscribed', steps: [{ key: 'exit', type: 'EXIT' }] });
    const contactId = await fx.contact('manual-chain@example.com', { subscribed: true });
    const started = await fx.start(wf.id, contactId);
    expect(started.status).toBe(201);
    const [followed] = await fx.enrolled(follow.id);
    await fx.settled(follow.id, followed.id);
    expect(await depthsOf(wf.id)).toEqual([0]);
    expect(await depthsOf(follow.id)).toEqual([1]);
  });
});
