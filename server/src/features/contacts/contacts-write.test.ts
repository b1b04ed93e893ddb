import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { activities, events } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const post = (body: unknown, key?: string) => t.request('POST', '/contacts', { body, key });
const patch = (id: string, body: unknown, key?: string) => t.request('PATCH', `/contacts/${id}`, { body, key });
const get = (id: string, key?: string) => t.request('GET', `/contacts/${id}`, { key });
const create = async (email: string, extra: Record<string, unknown> = {}) => (await post({ email, ...extra })).json;
const auditOf = async (res: { headers: Record<string, any> }) =>
  (await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']))).map((a) => a.type).sort();
const flipEventsOf = async (contactId: string) =>
  (await t.deps.db.select().from(events).where(eq(events.contactId, contactId)).orderBy(events.createdAt)).map((e) => e.name);

describe('POST /contacts', () => {
  it('creates a subscribed contact with 201 and then updates it with 200, by normalised email', async () => {
    const first = await post({ email: '  New.Person@Example.com ', data: { plan: 'free', a: 1 } });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({
      id: expect.any(String),
      email: 'new.person@example.com',
      subscribed: true,
      data: { plan: 'free', a: 1 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      _meta: { isNew: true, isUpdate: false },
    });
    const again = await post({ email: 'NEW.PERSON@example.com', data: { plan: 'pro', a: null } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, data: { plan: 'pro' }, _meta: { isNew: false, isUpdate: true } });
  });

  it('creates an unsubscribed contact when asked, and flips an existing one with an event', async () => {
    const created = await post({ email: 'optout@example.com', subscribed: false });
    expect(created.json.subscribed).toBe(false);
    const flipped = await post({ email: 'optout@example.com', subscribed: true });
    expect(flipped.json.subscribed).toBe(true);
    expect(await flipEventsOf(created.json.id)).toEqual(['contact.subscribed']);
    expect(await auditOf(flipped)).toEqual(['contact.subscribed', 'contact.updated']);
  });

  it('audits the creation with the secret key as actor', async () => {
    const res = await post({ email: 'audited@example.com' });
    const rows = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(rows).toEqual([expect.objectContaining({ type: 'contact.created', actorType: 'secret_key' })]);
  });

  it('validates the body with field paths', async () => {
    const missing = await post({ data: {} });
    expect(missing.status).toBe(422);
    expect(missing.json.error.errors.map((e: { field: string }) => e.field)).toEqual(['email']);
    expect((await post({ email: 'x@example.com', data: 'text' })).status).toBe(422);
    const locale = await post({ email: 'x@example.com', data: { locale: 5 } });
    expect(locale.status).toBe(422);
    expect(locale.json.error.errors[0].field).toBe('data.locale');
  });

  it('requires the secret key', async () => {
    expect((await post({ email: 'pk@example.com' }, t.project.publicKey)).status).toBe(401);
  });
});

describe('GET /contacts/:id', () => {
  it('answers with the bare contact', async () => {
    const created = await create('get@example.com', { data: { x: 1 } });
    const res = await get(created.id);
    expect(res.status).toBe(200);
    const { _meta, ...contact } = created;
    expect(res.json).toEqual(contact);
  });

  it('answers 404 CONTACT_NOT_FOUND for unknown ids and ids that are not UUIDs', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(id);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('CONTACT_NOT_FOUND');
    }
  });
});

describe('another project\'s contact', () => {
  it('is 404 on GET, PATCH and DELETE and stays untouched', async () => {
    const other = await t.newProject('Other');
    const theirs = await create('theirs@example.com');
    for (const res of [await get(theirs.id, other.secretKey), await patch(theirs.id, { subscribed: false }, other.secretKey), await t.request('DELETE', `/contacts/${theirs.id}`, { key: other.secretKey })]) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('CONTACT_NOT_FOUND');
    }
    expect((await get(theirs.id)).json).toMatchObject({ subscribed: true });
  });
});

describe('PATCH /contacts/:id', () => {
  it('merges data: null deletes, empty string ignored, reserved and non-persistent keys not stored', async () => {
    const c = await create('merge@example.com', { data: { a: 1, b: 'keep', c: 'gone' } });
    const res = await patch(c.id, {
      data: { b: '', c: null, d: { nested: [1, 2] }, email: 'x@y.z', plunk_id: 'p', unsubscribeUrl: 'u', tmp: { value: 1, persistent: false } },
    });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ a: 1, b: 'keep', d: { nested: [1, 2] } });
    expect(res.json.email).toBe('merge@example.com');
    expect((await get(c.id)).json.data).toEqual({ a: 1, b: 'keep', d: { nested: [1, 2] } });
  });

  it('clears all data with data: null', async () => {
    const c = await create('clear@example.com', { data: { a: 1 } });
    expect((await patch(c.id, { data: null })).json.data).toBeNull();
  });

  it('changes the email, normalised', async () => {
    const c = await create('old@example.com');
    const res = await patch(c.id, { email: ' New@Example.COM ' });
    expect(res.json.email).toBe('new@example.com');
    expect(await auditOf(res)).toEqual(['contact.updated']);
  });

  it('refuses an email another contact of the project has with 409', async () => {
    const a = await create('a-taken@example.com');
    await create('b-taken@example.com');
    const res = await patch(a.id, { email: 'B-Taken@example.com', data: { lost: true } });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'CONFLICT', message: 'Contact with this email already exists in this project' });
    expect((await get(a.id)).json).toMatchObject({ email: 'a-taken@example.com', data: null });
  });

  it('lets exactly one of two concurrent PATCHes take the same email', async () => {
    const a = await create('race-a@example.com');
    const b = await create('race-b@example.com');
    const results = await Promise.all([patch(a.id, { email: 'race@example.com' }), patch(b.id, { email: 'race@example.com' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('allows an email another project already uses', async () => {
    const other = await t.newProject('Elsewhere');
    await post({ email: 'shared@example.com' }, other.secretKey);
    const c = await create('mine@example.com');
    expect((await patch(c.id, { email: 'shared@example.com' })).status).toBe(200);
  });

  it('emits subscription events and audit rows only when the subscription flips', async () => {
    const c = await create('flip@example.com');
    const off = await patch(c.id, { subscribed: false });
    expect(off.json.subscribed).toBe(false);
    expect(await auditOf(off)).toEqual(['contact.unsubscribed', 'contact.updated']);
    const same = await patch(c.id, { subscribed: false });
    expect(await auditOf(same)).toEqual([]);
    expect(same.json.updatedAt).toBe(off.json.updatedAt);
    await patch(c.id, { subscribed: true });
    expect(await flipEventsOf(c.id)).toEqual(['contact.unsubscribed', 'contact.subscribed']);
  });

  it('validates the body', async () => {
    const c = await create('valid@example.com');
    expect((await patch(c.id, { email: 'nope' })).status).toBe(422);
    expect((await patch(c.id, { data: [1, 2] })).status).toBe(422);
    expect((await patch(c.id, { data: { locale: true } })).status).toBe(422);
  });
});

describe('DELETE /contacts/:id', () => {
  it('deletes with 204, audits, and is 404 afterwards', async () => {
    const c = await create('bye@example.com');
    const res = await t.request('DELETE', `/contacts/${c.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(await auditOf(res)).toEqual(['contact.deleted']);
    expect((await get(c.id)).status).toBe(404);
    expect((await t.request('DELETE', `/contacts/${c.id}`)).status).toBe(404);
  });
});

describe('POST /contacts/lookup', () => {
  it('finds contacts case-insensitively and echoes the emails as given', async () => {
    const c = await create('look@example.com');
    const res = await t.request('POST', '/contacts/lookup', { body: { emails: ['LOOK@example.com', 'missing@example.com', ' look@EXAMPLE.com'] } });
    expect(res.status).toBe(200);
    const { _meta, ...contact } = c;
    expect(res.json).toEqual({
      found: [
        { email: 'LOOK@example.com', contact },
        { email: ' look@EXAMPLE.com', contact },
      ],
      notFound: ['missing@example.com'],
    });
  });

  it('does not find another project\'s contacts', async () => {
    const other = await t.newProject('Lookup other');
    await create('hidden@example.com');
    const res = await t.request('POST', '/contacts/lookup', { key: other.secretKey, body: { emails: ['hidden@example.com'] } });
    expect(res.json).toEqual({ found: [], notFound: ['hidden@example.com'] });
  });

  it('takes 1 to 500 emails', async () => {
    expect((await t.request('POST', '/contacts/lookup', { body: { emails: [] } })).status).toBe(422);
    const many = Array.from({ length: 501 }, (_, i) => `u${i}@example.com`);
    expect((await t.request('POST', '/contacts/lookup', { body: { emails: many } })).status).toBe(422);
    expect((await t.request('POST', '/contacts/lookup', { body: { emails: many.slice(0, 500) } })).json.notFound).toHaveLength(500);
  });
});

describe('write routes', () => {
  it('are rate limited (the contacts:write bucket), reads are not', async () => {
    const c = await post({ email: 'limited@example.com' });
    const writes = [c, await patch(c.json.id, { data: { a: 1 } }), await t.request('DELETE', `/contacts/${c.json.id}`), await t.request('DELETE', '/contacts/fields/a')];
    for (const res of writes) expect(res.headers['ratelimit-limit'], res.body).toBeDefined();
    expect((await t.request('GET', '/contacts')).headers['ratelimit-limit']).toBeUndefined();
  });
});
