import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeptTestDatabase, createTestContext, waitFor, type TestContext } from '../../../../test/context.js';
import { DAY, engineFixture, HOUR, MINUTE, MovableClock } from '../../../../test/workflow-fixtures.js';

// Executions live in the database, not in memory: a delay outlasts a restart, a cancelled execution
// stays cancelled, and each execution runs the graph it was enrolled with.

describe('a 2-day DELAY across a restart', () => {
  it('completes in a new process once its clock is 2 days on', async () => {
    const kept = await createKeptTestDatabase();
    const env = { MASTER_KEY: randomBytes(32).toString('hex'), WORKFLOW_POLL_INTERVAL_MS: '100' };
    const clock = new MovableClock();
    let first: TestContext | null = await createTestContext({ keptDatabase: kept, clock, env });
    let second: TestContext | null = null;
    try {
      await first.startWorker({ workflowPoller: false });
      const project = first.project;
      const fx1 = engineFixture(first, project);
      const wf = await fx1.flow({
        eventName: 'subscribed-to-trial',
        steps: [
          { key: 'delay', type: 'DELAY', config: { amount: 2, unit: 'days' } },
          { key: 'tag', type: 'UPDATE_CONTACT', config: { updates: { trialReminder: 'sent' } } },
        ],
      });
      const contactId = await fx1.track('restart@example.com', 'subscribed-to-trial');
      const [e] = await fx1.enrolled(wf.id);
      expect((await fx1.settled(wf.id, e.id)).status).toBe('WAITING');
      await first.close();
      first = null;

      // Two days later, another process on the same database; its poller does the rest.
      const later = new MovableClock();
      later.advance(2 * DAY + MINUTE);
      second = await createTestContext({ keptDatabase: kept, clock: later, env });
      await second.startWorker();
      const fx2 = engineFixture(second, project);
      const done = await fx2.settled(wf.id, e.id, (x) => x.status === 'COMPLETED');
      expect(fx2.stepOf(done, wf.steps.delay)?.status).toBe('COMPLETED');
      expect(fx2.stepOf(done, wf.steps.tag)?.status).toBe('COMPLETED');
      const contact = await second.request('GET', `/contacts/${contactId}`, { key: project.secretKey });
      expect(contact.json.data).toEqual({ trialReminder: 'sent' });
    } finally {
      await first?.close();
      await second?.close();
      await kept.drop();
    }
  });
});

describe('cancel and snapshots', () => {
  let t: TestContext;
  let fx: ReturnType<typeof engineFixture>;
  const clock = new MovableClock();

  beforeAll(async () => {
    t = await createTestContext({ clock });
    await t.startWorker({ workflowPoller: false });
    fx = engineFixture(t);
  });
  afterAll(() => t.close());

  it('never resumes a cancelled execution, by time or by event', async () => {
    const wf = await fx.flow({
      eventName: 'cancel-me',
      steps: [
        { key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'hours' } },
        { key: 'wait', type: 'WAIT_FOR_EVENT', config: { eventName: 'came-back' } },
        { key: 'exit', type: 'EXIT', from: 'wait', branch: 'EVENT' },
      ],
    });
    await fx.track('cancelled@example.com', 'cancel-me');
    await fx.track('waiter@example.com', 'cancel-me');
    const list = await fx.enrolled(wf.id, 2);
    const byEmail = Object.fromEntries(list.map((x) => [x.contact.email, x.id]));
    for (const id of Object.values(byEmail)) await fx.settled(wf.id, id);

    const cancelled = await t.request('DELETE', `/workflows/${wf.id}/executions/${byEmail['cancelled@example.com']}`);
    expect(cancelled.json.status).toBe('CANCELLED');
    clock.advance(HOUR + MINUTE);
    await fx.sweep();
    // The other one went on to wait for its event; cancel it there too.
    const waiting = await fx.settled(wf.id, byEmail['waiter@example.com'], (x) => fx.stepOf(x, wf.steps.wait)?.status === 'WAITING');
    expect(waiting.status).toBe('WAITING');
    expect((await t.request('DELETE', `/workflows/${wf.id}/executions/${waiting.id}`)).status).toBe(200);
    await fx.track('waiter@example.com', 'came-back');
    await fx.track('cancelled@example.com', 'came-back');
    clock.advance(DAY);
    await fx.sweep();
    await new Promise((r) => setTimeout(r, 500));

    for (const id of Object.values(byEmail)) {
      const e = await fx.execution(wf.id, id);
      expect(e.status).toBe('CANCELLED');
      expect(fx.stepOf(e, wf.steps.exit)).toBeUndefined();
    }
    const first = await fx.execution(wf.id, byEmail['cancelled@example.com']);
    expect(fx.stepOf(first, wf.steps.delay)?.status).toBe('CANCELLED');
    expect(fx.stepOf(first, wf.steps.wait)).toBeUndefined();
  });

  it('runs each execution against the graph and template it was enrolled with', async () => {
    const templateId = await fx.template({ subject: 'Old subject' });
    const wf = await fx.flow({
      eventName: 'snapshot-me',
      steps: [
        { key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'hours' } },
        { key: 'send', type: 'SEND_EMAIL', templateId },
        { key: 'exit', type: 'EXIT', config: { reason: 'v1' } },
      ],
    });
    await fx.track('snap-old@example.com', 'snapshot-me');
    const [old] = await fx.enrolled(wf.id);
    await fx.settled(wf.id, old.id);

    // Edits after enrolment: the exit reason, the template, and the delay shortened to a minute.
    expect((await fx.api.patch(`/workflows/${wf.id}/steps/${wf.steps.exit}`, { config: { reason: 'v2' } })).status).toBe(200);
    expect((await fx.api.patch(`/workflows/${wf.id}/steps/${wf.steps.delay}`, { config: { amount: 1, unit: 'minutes' } })).status).toBe(200);
    expect((await t.request('PATCH', `/templates/${templateId}`, { body: { subject: 'New subject' } })).status).toBe(200);
    await fx.track('snap-new@example.com', 'snapshot-me');
    const fresh = (await fx.enrolled(wf.id, 2)).find((x) => x.id !== old.id)!;
    await fx.settled(wf.id, fresh.id);

    clock.advance(2 * MINUTE);
    await fx.sweep();
    const newDone = await fx.settled(wf.id, fresh.id, (x) => x.status === 'EXITED');
    expect(newDone.exitReason).toBe('v2');
    // Still inside its one-hour delay.
    expect((await fx.execution(wf.id, old.id)).status).toBe('WAITING');

    clock.advance(HOUR);
    await fx.sweep();
    const oldDone = await fx.settled(wf.id, old.id, (x) => x.status === 'EXITED');
    expect(oldDone.exitReason).toBe('v1');
    const subjectOf = async (e: typeof oldDone) => (await t.request('GET', `/emails/${fx.stepOf(e, wf.steps.send)!.output.emailId}`)).json.subject;
    expect(await subjectOf(oldDone)).toBe('Old subject');
    expect(await subjectOf(newDone)).toBe('New subject');
  });

  it('keeps running executions of a step deleted meanwhile', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'hours' } },
        { key: 'exit', type: 'EXIT', config: { reason: 'deleted-step-ran' } },
      ],
    });
    const contactId = await fx.contact('deleted-step@example.com');
    const started = await fx.start(wf.id, contactId);
    await fx.settled(wf.id, started.json.id);
    expect((await fx.api.del(`/workflows/${wf.id}/steps/${wf.steps.exit}`)).status).toBe(204);
    clock.advance(HOUR + MINUTE);
    await fx.sweep();
    const done = await waitFor(async () => {
      const e = await fx.execution(wf.id, started.json.id);
      return e.status === 'EXITED' ? e : null;
    });
    expect(done.exitReason).toBe('deleted-step-ran');
  });
});
