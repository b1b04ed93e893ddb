import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../../test/context.js';
import { engineFixture } from '../../../../test/workflow-fixtures.js';

// SEND_EMAIL and UPDATE_CONTACT end to end: /v1/track or a manual start → dispatcher → workflow.run
// job → email row → delivery worker (inbox transport), read back through the HTTP API.

let t: TestContext;
let fx: ReturnType<typeof engineFixture>;

beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker({ workflowPoller: false });
  fx = engineFixture(t);
});
afterAll(() => t.close());

const sentEmail = (id: string) =>
  waitFor(async () => {
    const res = await t.request('GET', `/emails/${id}`);
    return res.json?.status === 'SENT' ? res.json : null;
  }, 20_000, `email ${id} to be sent`);

/** The contact's own events (GET /events has no contact filter: it would list the whole project's). */
async function eventNamesOf(contactId: string): Promise<string[]> {
  const res = await t.request('GET', `/contacts/${contactId}/events?limit=100`);
  expect(res.status).toBe(200);
  return res.json.events.map((e: { name: string }) => e.name);
}

describe('SEND_EMAIL', () => {
  it('sends the template to the enrolled contact, rendered with contact data and the event', async () => {
    const templateId = await fx.template();
    const wf = await fx.flow({ eventName: 'signed-up', steps: [{ key: 'send', type: 'SEND_EMAIL', templateId }] });
    await fx.track('ada@example.com', 'signed-up', { firstName: 'Ada', plan: 'pro' });
    const [enrolled] = await fx.enrolled(wf.id);
    const done = await fx.settled(wf.id, enrolled.id);
    expect(done.status).toBe('COMPLETED');
    expect(fx.stepOf(done, wf.steps.trigger)).toMatchObject({ status: 'COMPLETED', output: { triggered: true, eventName: 'signed-up' } });
    const send = fx.stepOf(done, wf.steps.send)!;
    expect(send.status).toBe('COMPLETED');
    expect(send.output).toMatchObject({ recipientType: 'CONTACT', recipientEmail: 'ada@example.com' });
    const email = await sentEmail(send.output.emailId);
    expect(email.sourceType).toBe('WORKFLOW');
    expect(email.to).toBe('ada@example.com');
    expect(email.subject).toBe('Hi {{ firstName ?? "there" }}');
    expect(email.html).toContain('Plan pro for ada@example.com');
    const inbox = await t.request('GET', '/inbox');
    const listed = inbox.json.data.find((m: { emailId: string }) => m.emailId === email.id);
    const message = (await t.request('GET', `/inbox/${listed.id}`)).json;
    expect(message.raw).toMatch(/^Subject: Hi Ada\r?$/m);
  });

  it('skips a marketing template for an unsubscribed contact and goes on', async () => {
    const templateId = await fx.template({ type: 'MARKETING' });
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'send', type: 'SEND_EMAIL', templateId },
        { key: 'exit', type: 'EXIT', config: { reason: 'after-send' } },
      ],
    });
    const contactId = await fx.contact('unsub@example.com', { subscribed: false });
    const started = await fx.start(wf.id, contactId);
    expect(started.status).toBe(201);
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('EXITED');
    expect(done.exitReason).toBe('after-send');
    expect(fx.stepOf(done, wf.steps.send)).toMatchObject({ status: 'SKIPPED', output: { skipped: true, reason: 'unsubscribed' } });
    const emails = await t.request('GET', '/emails?limit=100');
    expect(emails.json.data.filter((e: { to: string }) => e.to === 'unsub@example.com')).toEqual([]);
  });

  it('sends to a CUSTOM recipient whatever the contact’s subscription', async () => {
    const templateId = await fx.template({ type: 'MARKETING', subject: 'New signup: {{ email }}' });
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [{ key: 'notify', type: 'SEND_EMAIL', templateId, config: { recipient: { type: 'CUSTOM', customEmail: 'Team@Example.com' } } }],
    });
    const contactId = await fx.contact('quiet@example.com', { subscribed: false });
    const started = await fx.start(wf.id, contactId);
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('COMPLETED');
    const notify = fx.stepOf(done, wf.steps.notify)!;
    expect(notify.output).toMatchObject({ recipientType: 'CUSTOM', recipientEmail: 'Team@Example.com' });
    const email = await sentEmail(notify.output.emailId);
    expect(email.to).toBe('team@example.com');
    expect(email.marketing).toBe(false);
  });

  it('fails the step and the execution when the template was deleted before enrolment', async () => {
    const templateId = await fx.template();
    const wf = await fx.flow({ triggerType: 'MANUAL', steps: [{ key: 'send', type: 'SEND_EMAIL', templateId }] });
    expect((await t.request('DELETE', `/templates/${templateId}`)).status).toBeLessThan(300);
    const contactId = await fx.contact('notemplate@example.com');
    const started = await fx.start(wf.id, contactId);
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('FAILED');
    expect(fx.stepOf(done, wf.steps.send)).toMatchObject({ status: 'FAILED' });
    expect(done.error).toMatch(/template/i);
  });
});

describe('UPDATE_CONTACT', () => {
  it('merges data with the contact rules and unsubscribes, emitting contact.unsubscribed once', async () => {
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [{ key: 'update', type: 'UPDATE_CONTACT', config: { updates: { plan: 'pro', legacy: null, nickname: '' }, subscriptionAction: 'unsubscribe' } }],
    });
    // Enrolment through the system event the step emits.
    const follow = await fx.flow({ eventName: 'contact.unsubscribed', steps: [{ key: 'exit', type: 'EXIT', config: { reason: 'said-bye' } }] });
    const contactId = await fx.contact('upd@example.com', { data: { legacy: 'x', nickname: 'Bo', city: 'Oslo' } });
    const started = await fx.start(wf.id, contactId);
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('COMPLETED');
    expect(fx.stepOf(done, wf.steps.update)).toMatchObject({ status: 'COMPLETED', output: { subscribed: false, subscriptionChanged: true } });

    const contact = await t.request('GET', `/contacts/${contactId}`);
    expect(contact.json.subscribed).toBe(false);
    expect(contact.json.data).toEqual({ plan: 'pro', nickname: 'Bo', city: 'Oslo' });
    const names = await eventNamesOf(contactId);
    expect(names.filter((n: string) => n === 'contact.unsubscribed')).toHaveLength(1);

    const [followed] = await fx.enrolled(follow.id);
    expect(followed.contact.id).toBe(contactId);
    const exited = await fx.settled(follow.id, followed.id);
    expect(exited).toMatchObject({ status: 'EXITED', exitReason: 'said-bye' });
  });

  it('emits nothing when the subscription does not change', async () => {
    const wf = await fx.flow({ triggerType: 'MANUAL', steps: [{ key: 'update', type: 'UPDATE_CONTACT', config: { subscriptionAction: 'subscribe' } }] });
    const contactId = await fx.contact('still@example.com', { subscribed: true });
    const started = await fx.start(wf.id, contactId);
    const done = await fx.settled(wf.id, started.json.id);
    expect(fx.stepOf(done, wf.steps.update)?.output).toMatchObject({ subscribed: true, subscriptionChanged: false });
    const names = await eventNamesOf(contactId);
    expect(names).not.toContain('contact.subscribed');
  });
});
