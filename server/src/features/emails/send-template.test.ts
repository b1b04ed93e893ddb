import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts, emails } from '../../db/schema/index.js';

let t: TestContext;
let marketing: string;
let transactional: string;
let headless: string;

const createTemplate = async (body: Record<string, unknown>, key?: string) =>
  (await t.request('POST', '/templates', { key, body: { subject: 'Hi {{ name }}', body: '<p>Tpl</p>', from: 'news@acme.test', ...body } })).json.id as string;

beforeAll(async () => {
  t = await createTestContext();
  marketing = await createTemplate({ name: 'News', type: 'MARKETING' });
  transactional = await createTemplate({ name: 'Receipt', type: 'TRANSACTIONAL', subject: 'Receipt {{ order }}', body: '<p>Order {{ order }}</p>', from: 'billing@acme.test', fromName: 'Acme Billing', replyTo: 'help@acme.test' });
  headless = await createTemplate({ name: 'Raw', type: 'HEADLESS' });
});
afterAll(() => t.close());

const send = (body: unknown) => t.request('POST', '/v1/send', { body });
const emailRow = async (id: string) => (await t.deps.db.select().from(emails).where(eq(emails.id, id)))[0];
const count = async (table: typeof emails | typeof contacts) => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

describe('POST /v1/send with a template', () => {
  it('takes subject, body, sender and reply-to from the template and stores its id', async () => {
    const res = await send({ to: 'buyer@example.com', template: transactional, data: { order: 42 } });
    expect(res.status).toBe(200);
    const row = await emailRow(res.json.data.emails[0].email);
    expect(row).toMatchObject({
      templateId: transactional,
      subject: 'Receipt {{ order }}',
      body: '<p>Order {{ order }}</p>',
      fromEmail: 'billing@acme.test',
      fromName: 'Acme Billing',
      replyTo: 'help@acme.test',
      sourceType: 'TRANSACTIONAL',
    });
  });

  it('lets explicit request fields override the template', async () => {
    const res = await send({
      to: 'buyer2@example.com',
      template: transactional,
      subject: 'Custom subject',
      body: '<p>Custom</p>',
      from: { name: 'Sales', email: 'sales@acme.test' },
      reply: 'sales-help@acme.test',
    });
    expect(res.status).toBe(200);
    expect(await emailRow(res.json.data.emails[0].email)).toMatchObject({
      subject: 'Custom subject',
      body: '<p>Custom</p>',
      fromEmail: 'sales@acme.test',
      fromName: 'Sales',
      replyTo: 'sales-help@acme.test',
    });
  });

  it('keeps the template sender name when only the address is overridden', async () => {
    const res = await send({ to: 'buyer3@example.com', template: transactional, from: 'other@acme.test' });
    expect(await emailRow(res.json.data.emails[0].email)).toMatchObject({ fromEmail: 'other@acme.test', fromName: 'Acme Billing' });
  });

  it('answers 404 TEMPLATE_NOT_FOUND for another project\'s template and writes nothing', async () => {
    const other = await t.newProject('Other');
    const foreign = await createTemplate({ name: 'Foreign', type: 'TRANSACTIONAL' }, other.secretKey);
    const before = await count(emails);
    const res = await send({ to: 'x@example.com', template: foreign });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('TEMPLATE_NOT_FOUND');
    expect(await count(emails)).toBe(before);
  });

  it('refuses a template id that is not a UUID with 422 on template', async () => {
    const res = await send({ to: 'x@example.com', template: 'welcome' });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].field).toBe('template');
  });
});

describe('marketing templates and unsubscribed contacts', () => {
  const refusal = (email: string) =>
    `Cannot send marketing template to unsubscribed contact ${email}. Use a transactional template or send without a template.`;

  it('refuses a marketing template to a new (unsubscribed) contact with 400, writing nothing', async () => {
    const [emailsBefore, contactsBefore] = [await count(emails), await count(contacts)];
    const res = await send({ to: 'newbie@example.com', template: marketing });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST', message: refusal('newbie@example.com') });
    expect(await count(emails)).toBe(emailsBefore);
    expect(await count(contacts)).toBe(contactsBefore);
  });

  it('refuses the whole request when one of several recipients is unsubscribed', async () => {
    await t.request('POST', '/v1/track', { key: t.project.publicKey, body: { event: 'signup', email: 'fan@example.com' } });
    await t.request('POST', '/v1/track', { key: t.project.publicKey, body: { event: 'bye', email: 'gone@example.com', subscribed: false } });
    const before = await count(emails);
    const res = await send({ to: ['fan@example.com', 'gone@example.com'], template: marketing });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(refusal('gone@example.com'));
    expect(await count(emails)).toBe(before);
  });

  it('sends a marketing template to subscribed contacts, including ones the request subscribes', async () => {
    expect((await send({ to: 'fan@example.com', template: marketing })).status).toBe(200);
    expect((await send({ to: 'optin@example.com', template: marketing, subscribed: true })).status).toBe(200);
  });

  it('sends transactional and headless templates and inline content regardless of subscription', async () => {
    for (const template of [transactional, headless]) {
      expect((await send({ to: 'gone@example.com', template })).status).toBe(200);
    }
    expect((await send({ to: 'gone@example.com', subject: 'S', body: '<p>B</p>' })).status).toBe(200);
  });
});
