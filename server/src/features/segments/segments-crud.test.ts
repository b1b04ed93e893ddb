import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// The /segments resource: create, list, get, update, delete, preview, refresh and the contacts listing.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
const one = (field: string, operator: string, value?: unknown) => ({ logic: 'AND', groups: [{ filters: [{ field, operator, value }] }] });
const as = (p: ProjectWithKeys) => ({
  get: (url: string) => t.request('GET', url, { key: p.secretKey }),
  post: (url: string, body?: Body) => t.request('POST', url, { key: p.secretKey, body }),
  patch: (url: string, body: Body) => t.request('PATCH', url, { key: p.secretKey, body }),
  del: (url: string) => t.request('DELETE', url, { key: p.secretKey }),
});
async function seed(p: ProjectWithKeys, n: number, data: Record<string, unknown> = { plan: 'pro' }) {
  await t.deps.db.insert(contacts).values(
    Array.from({ length: n }, (_, i) => ({ projectId: p.id, email: `c${String(i).padStart(3, '0')}-${Math.random().toString(36).slice(2, 8)}@x.com`, data, createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)) })),
  );
}

describe('POST /segments', () => {
  it('creates a DYNAMIC segment with its member count computed at once', async () => {
    const p = await t.newProject();
    await seed(p, 3);
    await seed(p, 2, { plan: 'free' });
    const res = await as(p).post('/segments', { name: 'Pro customers', description: 'Paying', condition: one('data.plan', 'equals', 'pro') });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toMatchObject({ name: 'Pro customers', description: 'Paying', slug: 'pro-customers', type: 'DYNAMIC', trackMembership: false, memberCount: 3, projectId: p.id });
    expect(res.json.memberCountAt).toEqual(expect.any(String));
    expect(res.json.condition).toEqual(one('data.plan', 'equals', 'pro'));
  });

  it('derives unique slugs per project from the name', async () => {
    const p = await t.newProject();
    const slugs = [];
    for (const name of ['VIP Customers!', 'vip   customers', 'VIP-Customers', '!!!', 'Ærlig kunde']) {
      slugs.push((await as(p).post('/segments', { name, type: 'STATIC' })).json.slug);
    }
    expect(slugs).toEqual(['vip-customers', 'vip-customers-2', 'vip-customers-3', 'segment', 'rlig-kunde']);
    const other = await t.newProject();
    expect((await as(other).post('/segments', { name: 'VIP Customers', type: 'STATIC' })).json.slug).toBe('vip-customers');
  });

  it('replays a repeated Idempotency-Key instead of creating twice', async () => {
    const p = await t.newProject();
    const send = () => t.request('POST', '/segments', { key: p.secretKey, headers: { 'idempotency-key': 'seg-1' }, body: { name: 'Once', type: 'STATIC' } });
    const first = await send();
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    expect((await as(p).get('/segments')).json).toHaveLength(1);
  });

  it('validates name, description, type, condition and trackMembership', async () => {
    const p = await t.newProject();
    const refuse = async (body: Body, field: string) => {
      const res = await as(p).post('/segments', body);
      expect(res.status, res.body).toBe(422);
      expect(res.json.error.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    const condition = one('email', 'contains', '@');
    await refuse({ condition }, 'name');
    await refuse({ name: ' ', condition }, 'name');
    await refuse({ name: 'x'.repeat(101), condition }, 'name');
    await refuse({ name: 'ok', description: 'x'.repeat(501), condition }, 'description');
    await refuse({ name: 'ok', type: 'SMART', condition }, 'type');
    await refuse({ name: 'ok' }, 'condition');
    await refuse({ name: 'ok', type: 'STATIC', condition }, 'condition');
    await refuse({ name: 'ok', type: 'STATIC', trackMembership: true }, 'trackMembership');
    expect((await as(p).get('/segments')).json).toEqual([]);
  });
});

describe('GET /segments and /segments/:id', () => {
  it('lists the project\'s segments newest first, as a bare array', async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    for (const name of ['First', 'Second', 'Third']) await as(p).post('/segments', { name, type: 'STATIC' });
    await as(other).post('/segments', { name: 'Elsewhere', type: 'STATIC' });
    const list = await as(p).get('/segments');
    expect(list.status).toBe(200);
    expect(list.json.map((s: { name: string }) => s.name)).toEqual(['Third', 'Second', 'First']);
  });

  it('gets one segment; 404 for unknown, malformed and other projects\' ids', async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    const s = await as(p).post('/segments', { name: 'Mine', type: 'STATIC' });
    expect((await as(p).get(`/segments/${s.json.id}`)).json).toEqual(s.json);
    for (const id of [s.json.id, 'nope', '00000000-0000-4000-8000-000000000000']) {
      const res = await as(other).get(`/segments/${id}`);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });
});

describe('PATCH /segments/:id', () => {
  it('renames without changing the slug, and recounts a new condition', async () => {
    const p = await t.newProject();
    await seed(p, 2);
    await seed(p, 1, { plan: 'free' });
    const s = await as(p).post('/segments', { name: 'Plan', condition: one('data.plan', 'equals', 'pro') });
    const res = await as(p).patch(`/segments/${s.json.id}`, { name: 'Free plan', description: 'd', condition: one('data.plan', 'equals', 'free'), trackMembership: true });
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ name: 'Free plan', slug: 'plan', description: 'd', memberCount: 1, trackMembership: true });
    expect((await as(p).patch(`/segments/${s.json.id}`, { description: null })).json.description).toBeNull();
  });

  it('refuses a condition or membership tracking on a STATIC segment', async () => {
    const p = await t.newProject();
    const s = await as(p).post('/segments', { name: 'List', type: 'STATIC' });
    const cond = await as(p).patch(`/segments/${s.json.id}`, { condition: one('email', 'contains', 'x') });
    expect(cond.status).toBe(422);
    expect(cond.json.error.errors[0].field).toBe('condition');
    expect((await as(p).patch(`/segments/${s.json.id}`, { trackMembership: true })).status).toBe(422);
    expect((await as(p).patch(`/segments/${s.json.id}`, { name: 'Renamed' })).json.name).toBe('Renamed');
  });
});

describe('DELETE /segments/:id', () => {
  it('deletes, then answers 404', async () => {
    const p = await t.newProject();
    const s = await as(p).post('/segments', { name: 'Gone', type: 'STATIC' });
    expect((await as(p).del(`/segments/${s.json.id}`)).status).toBe(204);
    expect((await as(p).get(`/segments/${s.json.id}`)).status).toBe(404);
    expect((await as(p).del(`/segments/${s.json.id}`)).status).toBe(404);
  });

  it('refuses with 409 while another segment\'s condition refers to it', async () => {
    const p = await t.newProject();
    const base = await as(p).post('/segments', { name: 'Base', type: 'STATIC' });
    const user = await as(p).post('/segments', { name: 'User', condition: one(`segment.${base.json.id}`, 'memberOfSegment') });
    const res = await as(p).del(`/segments/${base.json.id}`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('CONFLICT');
    expect(res.json.error.message).toContain('"User"');
    expect((await as(p).del(`/segments/${user.json.id}`)).status).toBe(204);
    expect((await as(p).del(`/segments/${base.json.id}`)).status).toBe(204);
  });
});

describe('preview, refresh and the contacts of a segment', () => {
  it('previews the same count the saved segment gets, with a sample of at most 10', async () => {
    const p = await t.newProject();
    await seed(p, 12);
    await seed(p, 3, { plan: 'free' });
    const condition = { logic: 'OR', groups: [{ filters: [{ field: 'data.plan', operator: 'equals', value: 'pro' }] }, { filters: [{ field: 'email', operator: 'contains', value: 'c000' }] }] };
    const preview = await as(p).post('/segments/preview', { condition });
    expect(preview.status).toBe(200);
    expect(preview.json.count).toBe(13);
    expect(preview.json.sample).toHaveLength(10);
    expect(preview.json.sample[0]).toEqual({ id: expect.any(String), email: expect.any(String) });
    const saved = await as(p).post('/segments', { name: 'Saved', condition });
    expect(saved.json.memberCount).toBe(preview.json.count);
  });

  it('keeps the cached count until a refresh', async () => {
    const p = await t.newProject();
    await seed(p, 2);
    const s = await as(p).post('/segments', { name: 'Pro', condition: one('data.plan', 'equals', 'pro') });
    await seed(p, 3);
    expect((await as(p).get(`/segments/${s.json.id}`)).json.memberCount).toBe(2);
    const refreshed = await as(p).post(`/segments/${s.json.id}/refresh`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.memberCount).toBe(5);
    expect(refreshed.json.updatedAt).toBe(s.json.updatedAt);
    expect((await as(p).get('/segments')).json[0].memberCount).toBe(5);
  });

  it('lists a DYNAMIC segment\'s contacts live, newest first, a page at a time', async () => {
    const p = await t.newProject();
    await seed(p, 5);
    await seed(p, 2, { plan: 'free' });
    const s = await as(p).post('/segments', { name: 'Pro', condition: one('data.plan', 'equals', 'pro') });
    const first = await as(p).get(`/segments/${s.json.id}/contacts?pageSize=2`);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ total: 5, page: 1, pageSize: 2, totalPages: 3 });
    expect(first.json.data.map((c: { email: string }) => c.email.slice(0, 4))).toEqual(['c004', 'c003']);
    const last = await as(p).get(`/segments/${s.json.id}/contacts?page=3&pageSize=2`);
    expect(last.json.data.map((c: { email: string }) => c.email.slice(0, 4))).toEqual(['c000']);
    expect((await as(p).get(`/segments/${s.json.id}/contacts?pageSize=101`)).status).toBe(422);
  });

  it('records create, update, delete and member changes in the activity log', async () => {
    const p = await t.newProject();
    const s = await as(p).post('/segments', { name: 'Audited', type: 'STATIC' });
    await as(p).patch(`/segments/${s.json.id}`, { name: 'Audited 2' });
    await as(p).post(`/segments/${s.json.id}/members`, { emails: ['m@x.com'], createMissing: true });
    await t.request('DELETE', `/segments/${s.json.id}/members`, { key: p.secretKey, body: { emails: ['m@x.com'] } });
    await as(p).del(`/segments/${s.json.id}`);
    const activity = await as(p).get('/activity?type=segment.*');
    expect(activity.json.data.map((a: { type: string }) => a.type)).toEqual(['segment.deleted', 'segment.members_removed', 'segment.members_added', 'segment.updated', 'segment.created']);
    expect(activity.json.data[0].metadata).toMatchObject({ segmentId: s.json.id, name: 'Audited 2' });
  });
});
