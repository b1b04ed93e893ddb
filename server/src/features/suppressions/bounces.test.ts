import { and, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { contactToken } from '../../core/contact-token.js';
import { contacts, events, suppressions } from '../../db/schema/index.js';
import type { MxServer } from '../../mail/mx-server.js';
import { startMxListener } from './mx-listener.js';

// Bounces and complaints end to end: real SMTP to the sink (which can refuse a recipient with 550), and
// real SMTP into our MX listener on a random port carrying RFC 3464 DSNs and RFC 5965 ARF reports.

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;
let mx: MxServer;
const rcptAttempts = new Map<string, number>();

beforeAll(async () => {
  sink = await startSmtpSink({
    onRecipient(address) {
      rcptAttempts.set(address, (rcptAttempts.get(address) ?? 0) + 1);
      if (address.startsWith('gone')) return [550, '5.1.1 <' + address + '>: Recipient address rejected: User unknown'];
    },
  });
  // SMTP_MX_PORT turns VERP on without a verified domain: bounces+<token>@localhost (the public URL's host).
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, SMTP_MX_PORT: '0' } });
  await t.startWorker();
  mx = (await startMxListener(t.deps, { port: 0, host: '127.0.0.1' }))!;
});
afterAll(async () => {
  await mx?.close();
  await t.close();
  await sink.close();
});

const mxClient = () => nodemailer.createTransport({ host: '127.0.0.1', port: mx.port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });

async function sendAndSettle(to: string) {
  const res = await t.request('POST', '/v1/send', { body: { to, subject: 'Hello', body: '<p>Hi</p>' } });
  expect(res.status, res.body).toBe(200);
  const id: string = res.json.data.emails[0].email;
  const email = await waitFor(async () => {
    const r = (await t.request('GET', `/emails/${id}`)).json;
    return ['SENT', 'FAILED', 'BOUNCED', 'SUPPRESSED'].includes(r.status) ? r : null;
  }, 20_000, `email ${id} to settle`);
  return { id, email, message: sink.messages.find((m) => m.parsed.messageId === email.messageId) };
}

const emailStatus = async (id: string) => (await t.request('GET', `/emails/${id}`)).json;
const suppressionOf = async (address: string) =>
  (await t.deps.db.select().from(suppressions).where(and(eq(suppressions.projectId, t.project.id), eq(suppressions.email, address))))[0];
const eventsOf = (emailId: string, name: string) => t.deps.db.select().from(events).where(and(eq(events.emailId, emailId), eq(events.name, name)));

function dsn(opts: { to: string; recipient: string; messageId: string; action?: string; status: string; diagnostic: string }) {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.recipient.test>',
    `To: ${opts.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Message-ID: <dsn-1@mx.recipient.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I could not deliver your message.',
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.recipient.test',
    'Arrival-Date: Mon, 1 Jan 2024 00:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${opts.recipient}`,
    `Action: ${opts.action ?? 'failed'}`,
    `Status: ${opts.status}`,
    `Diagnostic-Code: smtp; ${opts.diagnostic}`,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${opts.messageId}`,
    'From: sender@example.com',
    `To: ${opts.recipient}`,
    'Subject: Hello',
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n');
}

function arf(opts: { to: string; recipient: string; messageId: string }) {
  return [
    'From: Feedback Loop <fbl@isp.test>',
    `To: ${opts.to}`,
    'Subject: FW: Hello',
    'Message-ID: <arf-1@isp.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"',
    '',
    '--arf-boundary',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '',
    '--arf-boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Rcpt-To: <${opts.recipient}>`,
    '',
    '--arf-boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    `Message-ID: ${opts.messageId}`,
    'From: sender@example.com',
    `To: ${opts.recipient}`,
    'Subject: Hello',
    '',
    'Hi',
    '--arf-boundary--',
    '',
  ].join('\r\n');
}

const deliverToMx = (to: string, raw: string) => mxClient().sendMail({ envelope: { from: 'mailer-daemon@mx.recipient.test', to }, raw });

describe('a 550 at handoff', () => {
  it('bounces the email with the server reply, suppresses the address, and the next send ends SUPPRESSED with zero SMTP transactions', async () => {
    const first = await sendAndSettle('gone@recipient.test');
    expect(first.email.status).toBe('BOUNCED');
    expect(first.email.reason).toMatch(/550/);
    expect(first.email.reason).toMatch(/User unknown/);
    expect(await suppressionOf('gone@recipient.test')).toMatchObject({ reason: 'HARD_BOUNCE', source: 'smtp', emailId: first.id });
    const [bounced] = await eventsOf(first.id, 'email.bounced');
    expect(bounced.data).toMatchObject({ emailId: first.id, messageId: first.email.messageId, bounceType: 'HARD', reason: expect.stringMatching(/550/) });
    expect(rcptAttempts.get('gone@recipient.test')).toBe(1);

    const next = await sendAndSettle('gone@recipient.test');
    expect(next.email.status).toBe('SUPPRESSED');
    expect(next.email.reason).toMatch(/suppression list \(HARD_BOUNCE/);
    expect(rcptAttempts.get('gone@recipient.test')).toBe(1);
  });
});

describe('the MX listener', () => {
  it('sends each message with a VERP return path on the MX host', async () => {
    const { message } = await sendAndSettle('verp@recipient.test');
    expect(message!.envelopeFrom).toMatch(/^bounces\+[0-9a-f]{48}@localhost$/);
  });

  it('marks the email BOUNCED and suppresses the address when a DSN arrives at its VERP address', async () => {
    const { id, email, message } = await sendAndSettle('later-bounce@recipient.test');
    expect(email.status).toBe('SENT');
    const info = await deliverToMx(message!.envelopeFrom, dsn({ to: message!.envelopeFrom, recipient: 'later-bounce@recipient.test', messageId: email.messageId, status: '5.1.1', diagnostic: '550 5.1.1 mailbox does not exist' }));
    expect(info.accepted).toEqual([message!.envelopeFrom]);
    const after = await emailStatus(id);
    expect(after.status).toBe('BOUNCED');
    expect(after).toMatchObject({ bounceType: 'HARD', bouncedAt: expect.any(String) });
    expect(after.reason).toMatch(/Hard bounce \(dsn\): 5\.1\.1 550 5\.1\.1 mailbox does not exist/);
    expect(await suppressionOf('later-bounce@recipient.test')).toMatchObject({ reason: 'HARD_BOUNCE', source: 'dsn', emailId: id });
    expect(await eventsOf(id, 'email.bounced')).toHaveLength(1);

    // The same DSN again changes nothing and records no second event.
    await deliverToMx(message!.envelopeFrom, dsn({ to: message!.envelopeFrom, recipient: 'later-bounce@recipient.test', messageId: email.messageId, status: '5.1.1', diagnostic: '550 5.1.1 mailbox does not exist' }));
    expect(await eventsOf(id, 'email.bounced')).toHaveLength(1);
  });

  it('records a 4.x.x DSN as a soft bounce: the email stays SENT and the address is not suppressed', async () => {
    const { id, email, message } = await sendAndSettle('full@recipient.test');
    await deliverToMx(message!.envelopeFrom, dsn({ to: message!.envelopeFrom, recipient: 'full@recipient.test', messageId: email.messageId, action: 'delayed', status: '4.2.2', diagnostic: '452 4.2.2 mailbox full' }));
    const after = await emailStatus(id);
    expect(after.status).toBe('SENT');
    expect(after.reason).toMatch(/Soft bounce \(dsn\): 4\.2\.2/);
    expect(await suppressionOf('full@recipient.test')).toBeUndefined();
    expect((await eventsOf(id, 'email.bounced'))[0].data).toMatchObject({ bounceType: 'SOFT' });
  });

  it('falls back to the quoted Message-ID when the VERP token is unusable', async () => {
    const { id, email } = await sendAndSettle('mangled@recipient.test');
    await deliverToMx('bounces+not-a-token@localhost', dsn({ to: 'bounces+not-a-token@localhost', recipient: 'mangled@recipient.test', messageId: email.messageId, status: '5.0.0', diagnostic: '550 rejected' }));
    expect((await emailStatus(id)).status).toBe('BOUNCED');
    expect(await suppressionOf('mangled@recipient.test')).toMatchObject({ reason: 'HARD_BOUNCE', source: 'dsn' });
  });

  it('marks the email COMPLAINED and suppresses the address for an ARF complaint', async () => {
    const { id, email, message } = await sendAndSettle('annoyed@recipient.test');
    await deliverToMx(message!.envelopeFrom, arf({ to: message!.envelopeFrom, recipient: 'annoyed@recipient.test', messageId: email.messageId }));
    const after = await emailStatus(id);
    expect(after.status).toBe('COMPLAINED');
    expect(after.reason).toMatch(/Feedback-Type: abuse/);
    expect(await suppressionOf('annoyed@recipient.test')).toMatchObject({ reason: 'COMPLAINT', source: 'arf', emailId: id });
    expect(await eventsOf(id, 'email.complained')).toHaveLength(1);
  });

  it('unsubscribes the contact named by a mailto unsubscribe address', async () => {
    const saved = await t.request('POST', '/contacts', { body: { email: 'mailto-unsub@recipient.test', subscribed: true } });
    expect(saved.json.subscribed).toBe(true);
    const address = `unsubscribe+${contactToken(t.deps.masterKey, saved.json.id)}@localhost`;
    await mxClient().sendMail({ envelope: { from: 'mailto-unsub@recipient.test', to: address }, raw: `From: mailto-unsub@recipient.test\r\nTo: ${address}\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n` });
    const [row] = await t.deps.db.select().from(contacts).where(eq(contacts.id, saved.json.id));
    expect(row.subscribed).toBe(false);
  });

  it('refuses any other recipient with 550 and messages over 1 MB with 552', async () => {
    await expect(deliverToMx('postmaster@localhost', 'Subject: hi\r\n\r\nhello\r\n')).rejects.toMatchObject({ responseCode: 550 });
    const big = 'Subject: big\r\n\r\n' + ('x'.repeat(998) + '\r\n').repeat(1100);
    await expect(deliverToMx('bounces+x@localhost', big)).rejects.toMatchObject({ responseCode: 552 });
  });

  it('accepts and ignores mail to a bounce address that is not a report', async () => {
    const info = await deliverToMx('bounces+whatever@localhost', 'Subject: Out of office\r\n\r\nI am away.\r\n');
    expect(info.accepted).toHaveLength(1);
  });
});
