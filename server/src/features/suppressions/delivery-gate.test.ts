import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { contacts } from '../../db/schema/index.js';

// The worker re-checks right before handoff: things that changed after a send was accepted (the list,
// the contact's subscription or snooze) end the email SUPPRESSED with zero SMTP transactions.

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;
const rcpts: string[] = [];
const ids: Record<string, string> = {};

async function send(key: string, to: string, template?: string) {
  const body = template ? { to, template, subscribed: true } : { to, subject: 'S', body: '<p>B</p>' };
  const res = await t.request('POST', '/v1/send', { body });
  if (res.status !== 200) throw new Error(res.body);
  ids[key] = res.json.data.emails[0].email;
  return res.json.data.emails[0].contact.id as string;
}

beforeAll(async () => {
  sink = await startSmtpSink({ onRecipient: (address) => void rcpts.push(address) });
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url } });
  const template = await t.request('POST', '/templates', { body: { name: 'News', subject: 'News', body: '<p>News</p>', from: 'sender@example.com', type: 'MARKETING' } });
  const marketing = template.json.id as string;

  // Accepted while every recipient may receive it; the worker is not running yet.
  const unsubscribed = await send('unsubscribed', 'later-unsubscribed@gate.test', marketing);
  const snoozed = await send('snoozed', 'snoozed@gate.test', marketing);
  await send('listed', 'listed-later@gate.test', marketing);
  const transactional = await send('transactional', 'transactional@gate.test');
  await send('marketingOk', 'subscribed@gate.test', marketing);

  // Then things change before the worker gets to them.
  expect((await t.request('PATCH', `/contacts/${unsubscribed}`, { body: { subscribed: false } })).status).toBe(200);
  await t.deps.db.update(contacts).set({ snoozedUntil: new Date(Date.now() + 7 * 86_400_000) }).where(eq(contacts.id, snoozed));
  expect((await t.request('POST', '/suppression-list', { body: { email: 'listed-later@gate.test' } })).status).toBe(201);
  expect((await t.request('PATCH', `/contacts/${transactional}`, { body: { subscribed: false } })).status).toBe(200);
  await t.startWorker();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const settled = (key: string) =>
  waitFor(async () => {
    const r = (await t.request('GET', `/emails/${ids[key]}`)).json;
    return ['SENT', 'FAILED', 'SUPPRESSED', 'BOUNCED'].includes(r.status) ? r : null;
  }, 20_000, `${key} to settle`);

describe('the check before handoff', () => {
  it('suppresses marketing mail to a contact who unsubscribed after it was queued', async () => {
    const email = await settled('unsubscribed');
    expect(email.status).toBe('SUPPRESSED');
    expect(email.reason).toBe('later-unsubscribed@gate.test is unsubscribed; marketing mail is not sent to unsubscribed contacts');
    expect(rcpts).not.toContain('later-unsubscribed@gate.test');
  });

  it('suppresses marketing mail to a snoozed contact, saying until when', async () => {
    const email = await settled('snoozed');
    expect(email.status).toBe('SUPPRESSED');
    expect(email.reason).toMatch(/^snoozed@gate\.test snoozed marketing mail until \d{4}-/);
    expect(rcpts).not.toContain('snoozed@gate.test');
  });

  it('suppresses any mail to an address added to the suppression list after it was queued', async () => {
    const email = await settled('listed');
    expect(email.status).toBe('SUPPRESSED');
    expect(email.reason).toMatch(/listed-later@gate\.test is on the suppression list \(MANUAL/);
    expect(rcpts).not.toContain('listed-later@gate.test');
  });

  it('still delivers transactional mail to an unsubscribed contact, and marketing mail to a subscribed one', async () => {
    expect((await settled('transactional')).status).toBe('SENT');
    expect((await settled('marketingOk')).status).toBe('SENT');
    expect(rcpts.filter((r) => r === 'transactional@gate.test' || r === 'subscribed@gate.test').sort()).toEqual(['subscribed@gate.test', 'transactional@gate.test']);
  });
});
