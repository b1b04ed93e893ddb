import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { queryRows } from '../../db/client.js';
import { activities, contacts, emails } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const send = (body: unknown, key?: string) => t.request('POST', '/v1/send', { body, key });
const emailCount = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(emails))[0].n;
const base = { subject: 'Hello', body: '<p>Hi</p>' };

describe('POST /v1/send (accept path)', () => {
  it('queues one email per recipient and answers with contact and email ids', async () => {
    const res = await send({ ...base, to: ['a@example.com', { name: 'Bea', email: 'B@Example.com' }] });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.data.timestamp).toEqual(expect.any(String));
    expect(res.json.data.emails).toEqual([
      { contact: { id: expect.any(String), email: 'a@example.com' }, email: expect.any(String) },
      { contact: { id: expect.any(String), email: 'b@example.com' }, email: expect.any(String) },
    ]);
    const status = await t.request('GET', `/emails/${res.json.data.emails[1].email}`);
    expect(status.json).toMatchObject({ status: 'PENDING', to: 'b@example.com', subject: 'Hello', from: 'sender@example.com' });
  });

  it('commits each email row together with its delivery job', async () => {
    const res = await send({ ...base, to: 'job@example.com' });
    const id = res.json.data.emails[0].email;
    const jobs = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from pgboss.job where name = 'email.send' and data->>'emailId' = ${id}`);
    expect(jobs[0].n).toBe(1);
  });

  it('accepts a single {name, email} recipient and a {name, email} sender', async () => {
    const res = await send({ ...base, to: { name: 'Cy', email: 'cy@example.com' }, from: { name: 'Shop', email: 'shop@example.com' } });
    expect(res.status).toBe(200);
    const row = (await t.deps.db.select().from(emails).where(eq(emails.id, res.json.data.emails[0].email)))[0];
    expect(row).toMatchObject({ fromEmail: 'shop@example.com', fromName: 'Shop', toName: 'Cy' });
  });

  it('creates new contacts unsubscribed unless subscribed is given, and leaves existing ones alone', async () => {
    await send({ ...base, to: 'quiet@example.com' });
    await send({ ...base, to: 'loud@example.com', subscribed: true });
    const rows = await t.deps.db.select().from(contacts).where(eq(contacts.projectId, t.project.id));
    expect(rows.find((c) => c.email === 'quiet@example.com')?.subscribed).toBe(false);
    expect(rows.find((c) => c.email === 'loud@example.com')?.subscribed).toBe(true);
    await send({ ...base, to: 'loud@example.com' });
    const again = await t.deps.db.select().from(contacts).where(eq(contacts.email, 'loud@example.com'));
    expect(again[0].subscribed).toBe(true);
  });

  it('refuses more than 50 recipients before writing anything', async () => {
    const before = await emailCount();
    const to = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`);
    const res = await send({ ...base, to });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].field).toBe('to');
    expect(await emailCount()).toBe(before);
  });

  it('refuses CR/LF in every field that becomes a header, writing nothing', async () => {
    const before = await emailCount();
    const cases: [unknown, string][] = [
      [{ ...base, to: 'x@example.com', subject: 'Hi\r\nBcc: victim@example.com' }, 'subject'],
      [{ ...base, to: 'x@example.com', from: { name: 'A\nB', email: 'a@example.com' } }, 'from'],
      [{ ...base, to: { name: 'X\rY', email: 'x@example.com' } }, 'to'],
      [{ ...base, to: 'x@example.com', headers: { 'X-Tag': 'a\r\nBcc: v@example.com' } }, 'headers.X-Tag'],
      [{ ...base, to: 'x@example.com', headers: { 'X-Bad\nName': 'v' } }, 'headers'],
      [{ ...base, to: 'x@example.com', name: 'Evil\r\nX: y' }, 'name'],
      [{ ...base, to: 'x@example.com', reply: 'a@example.com\r\nBcc: v@example.com' }, 'reply'],
    ];
    for (const [body, field] of cases) {
      const res = await send(body);
      expect(res.status, field).toBe(422);
      expect(res.json.error.errors.some((e: { field: string }) => e.field.startsWith(field)), JSON.stringify(res.json.error.errors)).toBe(true);
    }
    expect(await emailCount()).toBe(before);
  });

  it('refuses headers that only Mailwright may set', async () => {
    for (const name of ['DKIM-Signature', 'return-path', 'Bcc', 'Received', 'From']) {
      const res = await send({ ...base, to: 'x@example.com', headers: { [name]: 'v' } });
      expect(res.status, name).toBe(422);
    }
  });

  it('uses the project default sender, and needs a sender when there is none', async () => {
    const noDefault = await t.newProject('No sender', null);
    const res = await send({ ...base, to: 'x@example.com' }, noDefault.secretKey);
    expect(res.status).toBe(422);
    expect(res.json.error.errors).toEqual([expect.objectContaining({ field: 'from', code: 'required' })]);
    const ok = await send({ ...base, to: 'x@example.com', from: 'me@example.com' }, noDefault.secretKey);
    expect(ok.status).toBe(200);
  });

  it('requires a template or both subject and body', async () => {
    for (const body of [{ to: 'x@example.com' }, { to: 'x@example.com', subject: 'S' }, { to: 'x@example.com', body: '<p>B</p>' }]) {
      const res = await send(body);
      expect(res.status).toBe(422);
      expect(res.json.error.errors).toEqual([
        expect.objectContaining({ field: 'template', message: 'Either template ID or both subject and body are required' }),
      ]);
    }
  });

  it('records an activity row per queued email, attributed to the secret key', async () => {
    const res = await send({ ...base, to: ['p@example.com', 'q@example.com'] });
    const rows = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    const queued = rows.filter((r) => r.type === 'email.queued');
    expect(queued).toHaveLength(2);
    expect(queued.every((r) => r.actorType === 'secret_key')).toBe(true);
  });

  it('answers 404 for an email id that is not a UUID or does not exist', async () => {
    expect((await t.request('GET', '/emails/nope')).status).toBe(404);
    const missing = await t.request('GET', '/emails/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('EMAIL_NOT_FOUND');
  });
});
