import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';

// Idempotency-Key on the contacts, templates and events write routes (DECISIONS §7): a replay answers
// with the original status and body and `Idempotent-Replayed: true` and does the work only once;
// the same key on another request (other body or other path) is 422 IDEMPOTENCY_KEY_MISMATCH.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
});
afterAll(() => t.close());

let n = 0;
const uniqueKey = () => `route-key-${++n}`;
const call = (method: string, url: string, key: string, body?: unknown) => t.request(method, url, { body, headers: { 'idempotency-key': key } });

/** Sends the same request twice, then another request with the same key; returns the three answers. */
async function replayAndMismatch(
  first: { method: string; url: string; body?: unknown },
  other: { method: string; url: string; body?: unknown },
) {
  const key = uniqueKey();
  const original = await call(first.method, first.url, key, first.body);
  const replay = await call(first.method, first.url, key, first.body);
  const mismatch = await call(other.method, other.url, key, other.body);
  expect(original.headers['idempotent-replayed']).toBeUndefined();
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(replay.status).toBe(original.status);
  expect(replay.body).toBe(original.body);
  expect(mismatch.status, mismatch.body).toBe(422);
  expect(mismatch.json.error.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
  return { original, replay };
}

const newContact = async (email: string, data?: Record<string, unknown>) => (await t.request('POST', '/contacts', { body: { email, data } })).json.id as string;
const newTemplate = async (name: string) =>
  (await t.request('POST', '/templates', { body: { name, subject: 'S', body: '<p>B</p>', from: 'sender@example.com' } })).json.id as string;
const countContacts = async (search: string) => (await t.request('GET', `/contacts?search=${encodeURIComponent(search)}`)).json.total as number;
const countTemplates = async (search: string) => (await t.request('GET', `/templates?search=${encodeURIComponent(search)}`)).json.total as number;

describe('contacts', () => {
  it('POST /contacts creates once and replays 201 with the original body', async () => {
    const { original } = await replayAndMismatch(
      { method: 'POST', url: '/contacts', body: { email: 'idem-create@example.com', data: { plan: 'pro' } } },
      { method: 'POST', url: '/contacts', body: { email: 'idem-create@example.com', data: { plan: 'free' } } },
    );
    expect(original.status).toBe(201);
    expect(original.json._meta).toEqual({ isNew: true, isUpdate: false });
    expect(await countContacts('idem-create')).toBe(1);
    expect((await t.request('GET', `/contacts/${original.json.id}`)).json.data).toEqual({ plan: 'pro' });
  });

  it('PATCH /contacts/:id replays the original answer even after a later change', async () => {
    const id = await newContact('idem-patch@example.com');
    const key = uniqueKey();
    const original = await call('PATCH', `/contacts/${id}`, key, { data: { step: 1 } });
    await t.request('PATCH', `/contacts/${id}`, { body: { data: { step: 2 } } });
    const replay = await call('PATCH', `/contacts/${id}`, key, { data: { step: 1 } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(original.body);
    expect((await t.request('GET', `/contacts/${id}`)).json.data).toEqual({ step: 2 });
    const mismatch = await call('PATCH', `/contacts/${id}`, key, { data: { step: 3 } });
    expect(mismatch.status).toBe(422);
  });

  it('DELETE /contacts/:id replays 204 with no body instead of 404', async () => {
    const id = await newContact('idem-delete@example.com');
    const other = await newContact('idem-delete-other@example.com');
    const { original, replay } = await replayAndMismatch({ method: 'DELETE', url: `/contacts/${id}` }, { method: 'DELETE', url: `/contacts/${other}` });
    expect(original.status).toBe(204);
    expect(original.body).toBe('');
    expect(replay.body).toBe('');
    expect(replay.headers['content-length'] ?? '0').toBe('0');
    expect((await t.request('GET', `/contacts/${id}`)).status).toBe(404);
    expect((await t.request('GET', `/contacts/${other}`)).status).toBe(200);
  });

  it('DELETE /contacts/fields/:field replays the original count', async () => {
    await newContact('idem-field-1@example.com', { idemField: 1 });
    await newContact('idem-field-2@example.com', { idemField: 2 });
    const { original, replay } = await replayAndMismatch(
      { method: 'DELETE', url: '/contacts/fields/idemField' },
      { method: 'DELETE', url: '/contacts/fields/otherField' },
    );
    expect(original.json).toEqual({ field: 'idemField', contactsUpdated: 2 });
    expect(replay.json).toEqual(original.json);
  });

  it('rolls back a failed write and leaves the key free', async () => {
    const key = uniqueKey();
    const missing = await call('PATCH', '/contacts/00000000-0000-4000-8000-000000000000', key, { subscribed: false });
    expect(missing.status).toBe(404);
    const id = await newContact('idem-retry@example.com');
    const retry = await call('PATCH', `/contacts/${id}`, key, { subscribed: false });
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('templates', () => {
  const tpl = (name: string) => ({ name, subject: 'Hi {{ name }}', body: '<p>Hi</p>', from: 'sender@example.com' });

  it('POST /templates creates once and replays 201 with the original body', async () => {
    const { original } = await replayAndMismatch({ method: 'POST', url: '/templates', body: tpl('Idem create') }, { method: 'POST', url: '/templates', body: tpl('Idem other') });
    expect(original.status).toBe(201);
    expect(original.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await countTemplates('Idem create')).toBe(1);
    expect(await countTemplates('Idem other')).toBe(0);
  });

  it('PATCH /templates/:id replays the original body', async () => {
    const id = await newTemplate('Idem patch');
    const { original } = await replayAndMismatch(
      { method: 'PATCH', url: `/templates/${id}`, body: { description: 'first' } },
      { method: 'PATCH', url: `/templates/${id}`, body: { description: 'second' } },
    );
    expect(original.json.description).toBe('first');
    expect((await t.request('GET', `/templates/${id}`)).json.description).toBe('first');
  });

  it('DELETE /templates/:id replays 204 with no body', async () => {
    const id = await newTemplate('Idem delete');
    const other = await newTemplate('Idem delete other');
    const { original, replay } = await replayAndMismatch({ method: 'DELETE', url: `/templates/${id}` }, { method: 'DELETE', url: `/templates/${other}` });
    expect(original.status).toBe(204);
    expect(replay.body).toBe('');
    expect((await t.request('GET', `/templates/${other}`)).status).toBe(200);
  });

  it('POST /templates/:id/duplicate copies once', async () => {
    const id = await newTemplate('Idem dup');
    const other = await newTemplate('Idem dup other');
    const { original } = await replayAndMismatch({ method: 'POST', url: `/templates/${id}/duplicate` }, { method: 'POST', url: `/templates/${other}/duplicate` });
    expect(original.status).toBe(201);
    expect(await countTemplates('Idem dup (copy)')).toBe(1);
  });

  it('POST /templates/bulk-update replays the original result', async () => {
    const ids = [await newTemplate('Idem bulk 1'), await newTemplate('Idem bulk 2')];
    const keep = await newTemplate('Idem bulk keep');
    const { original } = await replayAndMismatch(
      { method: 'POST', url: '/templates/bulk-update', body: { ids, delete: true } },
      { method: 'POST', url: '/templates/bulk-update', body: { ids: [keep], delete: true } },
    );
    expect(original.json.deleted).toBe(2);
    expect((await t.request('GET', `/templates/${keep}`)).status).toBe(200);
  });
});

describe('events', () => {
  it('DELETE /events/:name replays the original count', async () => {
    for (let i = 0; i < 3; i++) await t.request('POST', '/events/track', { body: { event: 'idem-gone', email: `ev${i}@example.com` } });
    const { original, replay } = await replayAndMismatch({ method: 'DELETE', url: '/events/idem-gone' }, { method: 'DELETE', url: '/events/idem-other' });
    expect(original.json.deletedCount).toBe(3);
    expect(replay.json.deletedCount).toBe(3);
  });
});
