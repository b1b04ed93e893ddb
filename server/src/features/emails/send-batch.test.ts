import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { queryRows } from '../../db/client.js';
import { contacts, emails } from '../../db/schema/index.js';

// Concurrent /v1/send requests without an Idempotency-Key share one transaction (send-batcher.ts).
// Requests fired together here arrive in the same event-loop turn, so they go through one batch:
// each must still get exactly its own answer and rows.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const send = (body: unknown, key?: string) => t.request('POST', '/v1/send', { body, key });
const base = { subject: 'Hello {{ plan }}', body: '<p>Hi</p>' };
const jobCount = async (ids: string[]) =>
  (await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from pgboss.job where name = 'email.send' and data->>'emailId' in ${ids}`))[0].n;

describe('concurrent sends', () => {
  it('stores every request of a burst with its own email rows and jobs, in answer order', async () => {
    const to = Array.from({ length: 30 }, (_, i) => `burst${i}@example.com`);
    const answers = await Promise.all(to.map((address, i) => send({ ...base, to: address, data: { n: i } })));
    expect(answers.map((a) => a.status)).toEqual(to.map(() => 200));
    expect(answers.map((a) => a.json.data.emails[0].contact.email)).toEqual(to);
    const ids = answers.map((a) => a.json.data.emails[0].email as string);
    expect(new Set(ids).size).toBe(30);
    const rows = await t.deps.db.select().from(emails).where(inArray(emails.id, ids));
    for (const [i, id] of ids.entries()) {
      expect(rows.find((r) => r.id === id)).toMatchObject({ toEmail: to[i], status: 'PENDING', renderData: expect.objectContaining({ n: i }) });
    }
    expect(await jobCount(ids)).toBe(30);
  });

  it('upserts a contact named by several requests of a burst once per request, in order', async () => {
    const answers = await Promise.all([
      send({ ...base, to: 'twice@example.com', data: { plan: 'free', first: true } }),
      send({ ...base, to: ['Twice@Example.com', 'twice@example.com'], data: { plan: 'pro' } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const contactIds = new Set(answers.flatMap((a) => a.json.data.emails.map((e: { contact: { id: string } }) => e.contact.id)));
    expect(contactIds.size).toBe(1);
    const [contact] = await t.deps.db.select().from(contacts).where(and(eq(contacts.projectId, t.project.id), eq(contacts.email, 'twice@example.com')));
    expect(contact.data).toEqual({ plan: 'pro', first: true });
    // Each email keeps the data as of its own request.
    const first = await t.deps.db.select().from(emails).where(eq(emails.id, answers[0].json.data.emails[0].email));
    expect(first[0].renderData).toMatchObject({ plan: 'free' });
  });

  it('refuses one request of a burst without losing or changing the others', async () => {
    const template = (await t.request('POST', '/templates', { body: { name: 'News', type: 'MARKETING', subject: 'News', body: '<p>News</p>', from: 'news@example.com' } })).json.id;
    const answers = await Promise.all([
      send({ ...base, to: 'ok1@example.com' }),
      // A new contact starts unsubscribed: a marketing template may not go to it.
      send({ to: 'refused@example.com', template }),
      send({ ...base, to: 'ok2@example.com' }),
      send({ ...base, to: 'ok3@example.com', from: 'not an address' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200, 422]);
    expect(answers[1].json.error).toMatchObject({ code: 'BAD_REQUEST', requestId: expect.any(String) });
    expect(answers[1].json.error.message).toContain('refused@example.com');
    const stored = await t.deps.db.select().from(emails).where(eq(emails.projectId, t.project.id));
    expect(stored.filter((e) => e.toEmail === 'refused@example.com')).toHaveLength(0);
    expect(stored.filter((e) => e.toEmail === 'ok1@example.com' || e.toEmail === 'ok2@example.com')).toHaveLength(2);
  });

  it('keeps the requests of different projects apart inside one burst', async () => {
    const other = await t.newProject('Other', 'other@example.com');
    const answers = await Promise.all([
      send({ ...base, to: 'shared@example.com', data: { who: 'first' } }),
      send({ ...base, to: 'shared@example.com', data: { who: 'second' } }, other.secretKey),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [mine, theirs] = answers.map((a) => a.json.data.emails[0]);
    expect(mine.contact.id).not.toBe(theirs.contact.id);
    const rows = await t.deps.db.select().from(emails).where(inArray(emails.id, [mine.email, theirs.email]));
    expect(rows.find((r) => r.id === mine.email)).toMatchObject({ projectId: t.project.id, fromEmail: 'sender@example.com' });
    expect(rows.find((r) => r.id === theirs.email)).toMatchObject({ projectId: other.id, fromEmail: 'other@example.com' });
    const [theirContact] = await t.deps.db.select().from(contacts).where(eq(contacts.id, theirs.contact.id));
    expect(theirContact).toMatchObject({ projectId: other.id, data: { who: 'second' } });
  });
});
