import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import { engineFixture, HOUR, MINUTE, MovableClock } from '../../../../test/workflow-fixtures.js';

// CONDITION, DELAY, WAIT_FOR_EVENT and EXIT through the API, the worker and the sweeps, with an app
// clock the test moves forward.

let t: TestContext;
let fx: ReturnType<typeof engineFixture>;
const clock = new MovableClock();

beforeAll(async () => {
  t = await createTestContext({ clock });
  await t.startWorker({ workflowPoller: false });
  fx = engineFixture(t);
});
afterAll(() => t.close());

async function runManual(workflowId: string, email: string, contact: Record<string, unknown> = {}, context?: Record<string, unknown>) {
  const contactId = await fx.contact(email, contact);
  const started = await fx.start(workflowId, contactId, context);
  expect(started.status).toBe(201);
  return fx.settled(workflowId, started.json.id);
}

describe('TRIGGER and EXIT', () => {
  it('records a manual trigger and ends EXITED with the default reason, which no completion overwrites', async () => {
    const wf = await fx.flow({ triggerType: 'MANUAL', steps: [{ key: 'exit', type: 'EXIT' }] });
    const done = await runManual(wf.id, 'exit@example.com');
    expect(done).toMatchObject({ status: 'EXITED', exitReason: 'exit_step', error: null });
    expect(fx.stepOf(done, wf.steps.trigger)?.output).toMatchObject({ triggered: true, eventName: 'manual' });
    expect(fx.stepOf(done, wf.steps.exit)?.status).toBe('COMPLETED');
  });
});

describe('CONDITION', () => {
  it('takes the yes or no branch (binary)', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'cond', type: 'CONDITION', config: { field: 'data.plan', operator: 'equals', value: 'pro' } },
        { key: 'yes', type: 'EXIT', config: { reason: 'is-pro' }, from: 'cond', branch: 'yes' },
        { key: 'no', type: 'EXIT', config: { reason: 'not-pro' }, from: 'cond', branch: 'no' },
      ],
    });
    expect((await runManual(wf.id, 'pro@example.com', { data: { plan: 'pro' } })).exitReason).toBe('is-pro');
    const free = await runManual(wf.id, 'free@example.com', { data: { plan: 'free' } });
    expect(free.exitReason).toBe('not-pro');
    expect(fx.stepOf(free, wf.steps.cond)?.output).toMatchObject({ field: 'data.plan', value: 'free', branch: 'no' });
  });

  it('takes the first matching branch of a multi condition, else default; reads the execution context', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        {
          key: 'cond',
          type: 'CONDITION',
          config: {
            mode: 'multi',
            field: 'event.total',
            branches: [
              { id: 'big', name: 'Big', operator: 'greaterThanOrEqual', value: 100 },
              { id: 'some', name: 'Some', operator: 'greaterThan', value: 0 },
            ],
          },
        },
        { key: 'big', type: 'EXIT', config: { reason: 'big' }, from: 'cond', branch: 'big' },
        { key: 'some', type: 'EXIT', config: { reason: 'some' }, from: 'cond', branch: 'some' },
        { key: 'none', type: 'EXIT', config: { reason: 'none' }, from: 'cond', branch: 'default' },
      ],
    });
    expect((await runManual(wf.id, 'm1@example.com', {}, { total: '250' })).exitReason).toBe('big');
    expect((await runManual(wf.id, 'm2@example.com', {}, { total: 5 })).exitReason).toBe('some');
    expect((await runManual(wf.id, 'm3@example.com', {}, {})).exitReason).toBe('none');
  });

  it('compares contact.email case-insensitively and aliases contact.data.X to data.X', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'cond', type: 'CONDITION', config: { field: 'contact.email', operator: 'equals', value: 'Case@Example.COM' } },
        { key: 'cond2', type: 'CONDITION', config: { field: 'contact.data.city', operator: 'contains', value: 'slo' }, from: 'cond', branch: 'yes' },
        { key: 'both', type: 'EXIT', config: { reason: 'both' }, from: 'cond2', branch: 'yes' },
      ],
    });
    expect((await runManual(wf.id, 'case@example.com', { data: { city: 'Oslo' } })).exitReason).toBe('both');
  });
});

describe('DELAY', () => {
  it('waits SCHEDULED until the app clock passes resumeAt, then goes on', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'delay', type: 'DELAY', config: { amount: 1, unit: 'hours' } },
        { key: 'exit', type: 'EXIT', config: { reason: 'after-delay' } },
      ],
    });
    const startedAt = clock.now().getTime();
    const waiting = await runManual(wf.id, 'delay@example.com');
    expect(waiting.status).toBe('WAITING');
    const delay = fx.stepOf(waiting, wf.steps.delay)!;
    expect(delay.status).toBe('SCHEDULED');
    expect(new Date(delay.resumeAt!).getTime() - startedAt).toBeGreaterThanOrEqual(HOUR);
    expect(new Date(delay.resumeAt!).getTime() - startedAt).toBeLessThan(HOUR + MINUTE);

    await fx.sweep();
    expect((await fx.execution(wf.id, waiting.id)).status).toBe('WAITING');
    clock.advance(HOUR + MINUTE);
    expect((await fx.sweep()).resumedByTime).toBeGreaterThanOrEqual(1);
    const done = await fx.settled(wf.id, waiting.id, (e) => e.status !== 'WAITING' && e.status !== 'RUNNING');
    expect(done).toMatchObject({ status: 'EXITED', exitReason: 'after-delay' });
    expect(fx.stepOf(done, wf.steps.delay)?.status).toBe('COMPLETED');
  });
});

describe('WAIT_FOR_EVENT', () => {
  const waitFlow = () =>
    fx.flow({
      eventName: 'signed-up',
      steps: [
        { key: 'wait', type: 'WAIT_FOR_EVENT', config: { eventName: 'purchased', timeout: 3600 } },
        { key: 'bought', type: 'EXIT', config: { reason: 'bought' }, from: 'wait', branch: 'EVENT' },
        { key: 'timeout', type: 'EXIT', config: { reason: 'timed-out' }, from: 'wait', branch: 'TIMEOUT' },
      ],
    });

  it('takes the EVENT branch when the event arrives, merging its data into the context', async () => {
    const wf = await waitFlow();
    await fx.track('buyer@example.com', 'signed-up', { plan: 'free', source: 'ad' });
    const [e] = await fx.enrolled(wf.id);
    const waiting = await fx.settled(wf.id, e.id);
    expect(waiting.status).toBe('WAITING');
    expect(fx.stepOf(waiting, wf.steps.wait)).toMatchObject({ status: 'WAITING' });

    await fx.track('buyer@example.com', 'purchased', { plan: 'pro', total: 42 });
    await fx.sweep();
    const done = await fx.settled(wf.id, e.id, (x) => x.status === 'EXITED');
    expect(done.exitReason).toBe('bought');
    expect(done.context).toEqual({ plan: 'pro', source: 'ad', total: 42 });
    expect(fx.stepOf(done, wf.steps.wait)).toMatchObject({ status: 'COMPLETED', output: { eventName: 'purchased', eventData: { plan: 'pro', total: 42 } } });
    expect(fx.stepOf(done, wf.steps.timeout)).toBeUndefined();
  });

  it('takes the TIMEOUT branch when the clock passes the timeout first', async () => {
    const wf = await waitFlow();
    await fx.track('browser@example.com', 'signed-up');
    const [e] = await fx.enrolled(wf.id);
    await fx.settled(wf.id, e.id);
    clock.advance(HOUR - MINUTE);
    await fx.sweep();
    expect((await fx.execution(wf.id, e.id)).status).toBe('WAITING');
    clock.advance(2 * MINUTE);
    await fx.sweep();
    const done = await fx.settled(wf.id, e.id, (x) => x.status === 'EXITED');
    expect(done.exitReason).toBe('timed-out');
    expect(fx.stepOf(done, wf.steps.wait)).toMatchObject({ status: 'COMPLETED', output: { timedOut: true } });
    // The event arriving afterwards changes nothing.
    await fx.track('browser@example.com', 'purchased');
    await fx.sweep();
    expect((await fx.execution(wf.id, e.id)).exitReason).toBe('timed-out');
  });
});
