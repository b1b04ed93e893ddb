import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { activities, contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

let t: TestContext;
let p: ProjectWithKeys;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestContext();
  p = await t.newProject('Fields');
  const seed: [string, Record<string, unknown>?][] = [
    ['one@example.com', { plan: 'pro', age: 30, vip: true, signup: '2024-01-05', prefs: { a: 1 }, tags: ['x'] }],
    ['two@example.com', { plan: 'free', age: 41, signup: '2024-02-01T10:00:00.000Z' }],
    ['three@example.com', { plan: 'pro' }],
    ['four@example.com'],
  ];
  for (const [email, data] of seed) {
    const res = await t.request('POST', '/contacts', { key: p.secretKey, body: { email, data } });
    ids[email] = res.json.id;
  }
  // Another project's keys must not show up.
  await t.request('POST', '/contacts', { body: { email: 'elsewhere@example.com', data: { secretField: 1 } } });
});
afterAll(() => t.close());

const req = (method: string, url: string) => t.request(method, url, { key: p.secretKey });

describe('GET /contacts/fields', () => {
  it('lists standard fields and custom keys with inferred types and coverage', async () => {
    const res = await req('GET', '/contacts/fields');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      fields: [
        { field: 'email', type: 'string', coverage: 1 },
        { field: 'subscribed', type: 'boolean', coverage: 1 },
        { field: 'createdAt', type: 'date', coverage: 1 },
        { field: 'updatedAt', type: 'date', coverage: 1 },
        { field: 'age', type: 'number', coverage: 0.5 },
        { field: 'plan', type: 'string', coverage: 0.75 },
        { field: 'prefs', type: 'object', coverage: 0.25 },
        { field: 'signup', type: 'date', coverage: 0.5 },
        { field: 'tags', type: 'array', coverage: 0.25 },
        { field: 'vip', type: 'boolean', coverage: 0.25 },
      ],
      count: 10,
    });
  });

  it('has only the standard fields, at zero coverage, in a project without contacts', async () => {
    const empty = await t.newProject('No contacts');
    const res = await t.request('GET', '/contacts/fields', { key: empty.secretKey });
    expect(res.json.count).toBe(4);
    expect(res.json.fields.every((f: { coverage: number }) => f.coverage === 0)).toBe(true);
  });
});

describe('GET /contacts/fields/:field/values', () => {
  it('lists distinct values of a custom field', async () => {
    const res = await req('GET', '/contacts/fields/plan/values');
    expect(res.json).toEqual({ field: 'plan', values: ['free', 'pro'], count: 2, limit: 100 });
    expect((await req('GET', '/contacts/fields/age/values')).json.values).toEqual([30, 41]);
    expect((await req('GET', '/contacts/fields/prefs/values')).json.values).toEqual([{ a: 1 }]);
  });

  it('honours limit, capped at 200', async () => {
    expect((await req('GET', '/contacts/fields/plan/values?limit=1')).json).toMatchObject({ values: ['free'], count: 1, limit: 1 });
    expect((await req('GET', '/contacts/fields/plan/values?limit=1000')).json.limit).toBe(200);
    expect((await req('GET', '/contacts/fields/plan/values?limit=0')).status).toBe(422);
  });

  it('lists values of standard fields too', async () => {
    expect((await req('GET', '/contacts/fields/subscribed/values')).json.values).toEqual([true]);
    expect((await req('GET', '/contacts/fields/email/values?limit=2')).json.values).toEqual(['four@example.com', 'one@example.com']);
  });

  it('answers an empty list for a field no contact has', async () => {
    expect((await req('GET', '/contacts/fields/nothing/values')).json).toEqual({ field: 'nothing', values: [], count: 0, limit: 100 });
  });
});

describe('GET /contacts/fields/:field/usage', () => {
  it('reports no usage (nothing references fields yet) and which fields can be deleted', async () => {
    expect((await req('GET', '/contacts/fields/plan/usage')).json).toEqual({ field: 'plan', usage: [], canDelete: true });
    expect((await req('GET', '/contacts/fields/email/usage')).json).toEqual({ field: 'email', usage: [], canDelete: false });
  });
});

describe('DELETE /contacts/fields/:field', () => {
  it('strips the key from every contact of the project and audits it', async () => {
    const res = await req('DELETE', '/contacts/fields/age');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ field: 'age', contactsUpdated: 2 });
    const fields = (await req('GET', '/contacts/fields')).json.fields.map((f: { field: string }) => f.field);
    expect(fields).not.toContain('age');
    expect((await req('GET', `/contacts/${ids['two@example.com']}`)).json.data).toEqual({ plan: 'free', signup: '2024-02-01T10:00:00.000Z' });
    const audit = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(audit).toEqual([expect.objectContaining({ type: 'contact.field_deleted', actorType: 'secret_key', metadata: { field: 'age', contactsUpdated: 2 } })]);
  });

  it('leaves data null when the last key goes', async () => {
    await req('DELETE', '/contacts/fields/plan');
    const [three] = await t.deps.db.select().from(contacts).where(eq(contacts.id, ids['three@example.com']));
    expect(three.data).toBeNull();
  });

  it('does not touch other projects', async () => {
    await req('DELETE', '/contacts/fields/secretField');
    const theirs = await t.request('GET', '/contacts/fields');
    expect(theirs.json.fields.map((f: { field: string }) => f.field)).toContain('secretField');
  });

  it('refuses standard fields with 400', async () => {
    const res = await req('DELETE', '/contacts/fields/email');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
  });
});
