import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { emails, events } from '../../db/schema/index.js';

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;
const attemptsByRecipient = new Map<string, number>();

beforeAll(async () => {
  sink = await startSmtpSink({
    onRecipient(address) {
      const n = (attemptsByRecipient.get(address) ?? 0) + 1;
      attemptsByRecipient.set(address, n);
      if (address.startsWith('reject')) return [550, '5.1.1 <' + address + '>: mailbox unavailable'];
      if (address.startsWith('flaky') && n === 1) return [451, '4.7.1 try again later'];
    },
  });
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url } });
  await t.startWorker();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const send = (body: unknown) => t.request('POST', '/v1/send', { body });
const settled = (id: string) =>
  waitFor(async () => {
    const res = await t.request('GET', `/emails/${id}`);
    return ['SENT', 'FAILED', 'BOUNCED'].includes(res.json.status) ? res.json : null;
  }, 20_000, `email ${id} to settle`);
const arrivedFor = (address: string) => sink.messages.filter((m) => m.envelopeTo.includes(address));

describe('delivery through SMTP', () => {
  it('delivers one message per recipient with the right headers and rendered body', async () => {
    const res = await send({
      to: [{ name: 'Ann Lee', email: 'ann@example.com' }, 'bob@example.com'],
      from: { name: 'Acme', email: 'hello@acme.test' },
      reply: 'support@acme.test',
      subject: 'Welcome {{ name ?? "friend" }}',
      body: '<p>Hi {{ name ?? "friend" }}, your plan is {{ plan }} {{ data.plan }}.</p><p>{{ note }}</p>',
      data: { plan: 'pro', note: '<script>alert(1)</script>' },
      headers: { 'X-Campaign-Ref': 'welcome-1' },
    });
    expect(res.status).toBe(200);
    const [ann, bob] = await Promise.all(res.json.data.emails.map((e: { email: string }) => settled(e.email)));
    expect(ann.status).toBe('SENT');
    expect(bob.status).toBe('SENT');

    const annMsg = arrivedFor('ann@example.com');
    const bobMsg = arrivedFor('bob@example.com');
    expect(annMsg).toHaveLength(1);
    expect(bobMsg).toHaveLength(1);
    const m = annMsg[0].parsed;
    expect(m.from?.value[0]).toMatchObject({ name: 'Acme', address: 'hello@acme.test' });
    expect(m.to && !Array.isArray(m.to) && m.to.value[0]).toMatchObject({ name: 'Ann Lee', address: 'ann@example.com' });
    expect(m.replyTo?.value[0].address).toBe('support@acme.test');
    expect(m.subject).toBe('Welcome Ann Lee');
    expect(bobMsg[0].parsed.subject).toBe('Welcome friend');
    expect(m.html).toContain('Hi Ann Lee, your plan is pro pro.');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain('Hi Ann Lee, your plan is pro pro.');
    expect(m.headers.get('x-campaign-ref')).toBe('welcome-1');
    expect(m.headers.get('list-unsubscribe')).toBeUndefined();
    expect(m.messageId).toBe(ann.messageId);
    expect(annMsg[0].envelopeFrom).toBe('hello@acme.test');
  });

  it('records an email.sent event for a delivered email', async () => {
    const res = await send({ to: 'evt@example.com', subject: 'S', body: '<p>B</p>' });
    const id = res.json.data.emails[0].email;
    await settled(id);
    const rows = await t.deps.db.select().from(events).where(and(eq(events.emailId, id), eq(events.name, 'email.sent')));
    expect(rows).toHaveLength(1);
  });

  it('bounces an email with the server reply when the recipient is refused with 550', async () => {
    const res = await send({ to: 'reject-me@example.com', subject: 'S', body: '<p>B</p>' });
    const email = await settled(res.json.data.emails[0].email);
    expect(email.status).toBe('BOUNCED');
    expect(email.reason).toMatch(/550/);
    expect(email.reason).toMatch(/mailbox unavailable/);
    expect(arrivedFor('reject-me@example.com')).toHaveLength(0);
  });

  it('retries after a 451 and delivers exactly once', async () => {
    const res = await send({ to: 'flaky@example.com', subject: 'Retry me', body: '<p>B</p>' });
    const email = await settled(res.json.data.emails[0].email);
    expect(email.status).toBe('SENT');
    expect(email.attempts).toBe(2);
    expect(attemptsByRecipient.get('flaky@example.com')).toBe(2);
    expect(arrivedFor('flaky@example.com')).toHaveLength(1);
  });

  it('fails an email whose template cannot be rendered, saying why', async () => {
    const res = await send({ to: 'render@example.com', subject: 'S', body: '<p>{% if %}</p>' });
    const email = await settled(res.json.data.emails[0].email);
    expect(email.status).toBe('FAILED');
    expect(email.reason).toMatch(/Could not render body/);
  });

  it('never reads server files through template tags', async () => {
    const res = await send({ to: 'files@example.com', subject: 'S', body: "<p>{% include '/etc/passwd' %}</p>" });
    const email = await settled(res.json.data.emails[0].email);
    expect(email.status).toBe('FAILED');
    expect(arrivedFor('files@example.com')).toHaveLength(0);
  });

  it('uses the project default sender when the request has no from', async () => {
    const res = await send({ to: 'default@example.com', subject: 'S', body: '<p>B</p>' });
    await settled(res.json.data.emails[0].email);
    expect(arrivedFor('default@example.com')[0].parsed.from?.value[0].address).toBe('sender@example.com');
  });
});

describe('delivery when the SMTP server is unreachable', () => {
  it('keeps the email pending with a reason and retries instead of failing it', async () => {
    const down = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      await down.startWorker();
      const res = await down.request('POST', '/v1/send', { body: { to: 'x@example.com', subject: 'S', body: '<p>B</p>' } });
      const id = res.json.data.emails[0].email;
      const email = await waitFor(async () => {
        const r = await down.request('GET', `/emails/${id}`);
        return r.json.attempts >= 1 && r.json.status === 'PENDING' ? r.json : null;
      });
      expect(email.reason).toMatch(/Retrying in \d+s.*SMTP connection failed/);
    } finally {
      await down.close();
    }
  });
});

describe('delivery after a worker died mid-send', () => {
  it('delivers an email left SENDING by a dead worker once its lease runs out, even after the job expired', async () => {
    const ctx = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url } });
    try {
      const res = await ctx.request('POST', '/v1/send', { body: { to: 'orphan@example.com', subject: 'Orphan', body: '<p>B</p>' } });
      const id = res.json.data.emails[0].email;
      // The dead worker claimed it 147 s ago: its lease (150 s) is still fresh when the job runs again.
      await ctx.deps.db.update(emails).set({ status: 'SENDING', sendingAt: sql`now() - interval '147 seconds'` }).where(eq(emails.id, id));
      await ctx.startWorker();
      const email = await waitFor(async () => {
        const r = await ctx.request('GET', `/emails/${id}`);
        return r.json.status === 'SENT' ? r.json : null;
      }, 30_000, 'the orphaned email to be sent');
      expect(email.status).toBe('SENT');
      expect(arrivedFor('orphan@example.com')).toHaveLength(1);
    } finally {
      await ctx.close();
    }
  });
});
