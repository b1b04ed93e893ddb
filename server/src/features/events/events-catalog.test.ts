import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { activities, events } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const get = (url: string, p: ProjectWithKeys) => t.request('GET', url, { key: p.secretKey });
const del = (name: string, p: ProjectWithKeys) => t.request('DELETE', `/events/${encodeURIComponent(name)}`, { key: p.secretKey });
const contactIn = async (p: ProjectWithKeys, email: string) =>
  (await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'seed', email } })).json.data.contact as string;
/** `count` events of `name` at day `day` of January 2030 (hour = index, so they differ). */
const store = async (p: ProjectWithKeys, name: string, count: number, day = 1, contactId: string | null = null) =>
  t.deps.db.insert(events).values(
    Array.from({ length: count }, (_, i) => ({ projectId: p.id, contactId, name, createdAt: new Date(Date.UTC(2030, 0, day, i % 24, Math.floor(i / 24) % 60)) })),
  );
const countOf = async (p: ProjectWithKeys, name: string) =>
  (await t.deps.db.select().from(events).where(and(eq(events.projectId, p.id), eq(events.name, name)))).length;

describe('GET /events/stats', () => {
  it('counts events per name, most frequent first, only for this project', async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    await store(p, 'view', 5);
    await store(p, 'buy', 2);
    await store(p, 'contact.subscribed', 3);
    await store(other, 'view', 50);
    const res = await get('/events/stats', p);
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { name: 'view', count: 5 },
      { name: 'contact.subscribed', count: 3 },
      { name: 'buy', count: 2 },
    ]);
  });

  it('restricts the counts to a time range with startDate/endDate (or from/to)', async () => {
    const p = await t.newProject();
    await store(p, 'early', 4, 1);
    await store(p, 'late', 1, 10);
    const late = await get('/events/stats?startDate=2030-01-05T00:00:00Z', p);
    expect(late.json).toEqual([{ name: 'late', count: 1 }]);
    const early = await get('/events/stats?from=2030-01-01&to=2030-01-05', p);
    expect(early.json).toEqual([{ name: 'early', count: 4 }]);
    expect((await get('/events/stats?startDate=yesterday-ish', p)).status).toBe(422);
  });
});

describe('GET /events/names', () => {
  it('lists custom and system names by frequency, with counts and last seen', async () => {
    const p = await t.newProject();
    await store(p, 'rare', 1, 3);
    await store(p, 'email.opened', 2, 2);
    await store(p, 'common', 4, 1);
    const res = await get('/events/names', p);
    expect(res.status).toBe(200);
    expect(res.json.eventNames).toEqual(['common', 'email.opened', 'rare']);
    expect(res.json.details).toEqual([
      { name: 'common', count: 4, lastSeenAt: '2030-01-01T03:00:00.000Z', system: false },
      { name: 'email.opened', count: 2, lastSeenAt: '2030-01-02T01:00:00.000Z', system: true },
      { name: 'rare', count: 1, lastSeenAt: '2030-01-03T00:00:00.000Z', system: false },
    ]);
  });
});

describe('GET /events/:eventName/usage', () => {
  it('reports counts and unique contacts, and that a custom name can be deleted', async () => {
    const p = await t.newProject();
    const a = await contactIn(p, 'a@example.com');
    const b = await contactIn(p, 'b@example.com');
    await store(p, 'purchase', 3, 1, a);
    await store(p, 'purchase', 1, 2, b);
    const res = await get('/events/purchase/usage', p);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ usedInSegments: [], usedInWorkflows: [], totalCount: 4, uniqueContacts: 2, canDelete: true });
  });

  it('says system names cannot be deleted, and counts them under either spelling', async () => {
    const p = await t.newProject();
    await store(p, 'email.clicked', 2);
    const res = await get('/events/email.click/usage', p);
    expect(res.json).toMatchObject({ totalCount: 2, canDelete: false });
    expect((await get('/events/never-seen/usage', p)).json).toMatchObject({ totalCount: 0, uniqueContacts: 0, canDelete: true });
  });
});

describe('DELETE /events/:eventName', () => {
  it("deletes the project's events of that name only, and records who did it", async () => {
    const p = await t.newProject();
    const other = await t.newProject();
    await store(p, 'old-thing', 3);
    await store(p, 'keep-me', 2);
    await store(other, 'old-thing', 4);
    const res = await del('old-thing', p);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ deletedCount: 3 });
    expect(await countOf(p, 'old-thing')).toBe(0);
    expect(await countOf(p, 'keep-me')).toBe(2);
    expect(await countOf(other, 'old-thing')).toBe(4);
    const audit = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(audit).toEqual([expect.objectContaining({ projectId: p.id, type: 'event.deleted', actorType: 'secret_key', metadata: { eventName: 'old-thing', deletedCount: 3 } })]);
    expect((await del('old-thing', p)).json).toEqual({ deletedCount: 0 });
  });

  it('deletes more events than one batch holds', async () => {
    const p = await t.newProject();
    await store(p, 'noisy', 1200);
    expect((await del('noisy', p)).json).toEqual({ deletedCount: 1200 });
    expect(await countOf(p, 'noisy')).toBe(0);
  });

  it('handles names with slashes and spaces in the path', async () => {
    const p = await t.newProject();
    await store(p, 'page/view home', 2);
    expect((await get(`/events/${encodeURIComponent('page/view home')}/usage`, p)).json.totalCount).toBe(2);
    expect((await del('page/view home', p)).json).toEqual({ deletedCount: 2 });
  });

  it('refuses system event names with 400 and deletes nothing', async () => {
    const p = await t.newProject();
    await store(p, 'email.sent', 2);
    for (const name of ['email.sent', 'email.open', 'email.opened', 'contact.subscribed', 'contact.unsubscribed', 'segment.vip.entry']) {
      const res = await del(name, p);
      expect(res.status, name).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST', details: { reason: 'reserved_event' } });
    }
    expect(await countOf(p, 'email.sent')).toBe(2);
  });
});

describe('events API authentication', () => {
  const routes: [string, string][] = [
    ['POST', '/events/track'],
    ['GET', '/events'],
    ['GET', '/events/stats'],
    ['GET', '/events/names'],
    ['GET', '/events/x/usage'],
    ['DELETE', '/events/x'],
    ['GET', '/contacts/00000000-0000-4000-8000-000000000000/events'],
    ['GET', '/events/contact/00000000-0000-4000-8000-000000000000'],
  ];

  it('answers 401 to the public key and to no key on every route', async () => {
    for (const [method, url] of routes) {
      const pk = await t.request(method, url, { key: t.project.publicKey, body: method === 'POST' ? { event: 'e', email: 'a@example.com' } : undefined });
      expect(pk.status, `${method} ${url}`).toBe(401);
      expect(pk.json.error.code).toBe('INVALID_API_KEY');
      const none = await t.request(method, url, { key: null });
      expect(none.status, `${method} ${url}`).toBe(401);
      expect(none.json.error.code).toBe('MISSING_AUTH');
    }
  });
});
