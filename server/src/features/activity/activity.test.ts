import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { activities, type ActorType } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// GET /activity end to end: what real requests record, then filters and paging over seeded rows.

let t: TestContext;
let a: ProjectWithKeys;
let user: TestSession;

beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  a = t.project;
  user = await createUserSession(t, { memberOf: [{ projectId: a.id, role: 'ADMIN' }] });
});
afterAll(() => t?.close());

type Item = { id: string; type: string; actor: { type: string; id: string | null; email?: string | null }; requestId: string | null; createdAt: string; summary: string };

describe('what requests record', () => {
  it('shows a /v1/send under its X-Request-ID with the secret key as actor, and a dashboard change with the user', async () => {
    const send = await t.request('POST', '/v1/send', { body: { to: 'ada@example.com', subject: 'Hi', body: '<p>Hi</p>' } });
    expect(send.status, send.body).toBe(200);
    const sendRequestId = send.headers['x-request-id'];
    const contactId = send.json.data.emails[0].contact.id;

    const patch = await t.request('PATCH', `/contacts/${contactId}`, { key: null, headers: user.forProject(a.id), body: { data: { plan: 'pro' } } });
    expect(patch.status, patch.body).toBe(200);
    const patchRequestId = patch.headers['x-request-id'];

    const sent = await t.request('GET', `/activity?requestId=${encodeURIComponent(sendRequestId)}`);
    expect(sent.status, sent.body).toBe(200);
    const sentItems: Item[] = sent.json.data;
    expect(sentItems.map((i) => i.type)).toContain('email.queued');
    for (const item of sentItems) {
      expect(item.requestId).toBe(sendRequestId);
      expect(item.actor).toEqual({ type: 'secret_key', id: null });
    }

    // Read through the dashboard session this time: both ways of calling work.
    const changed = await t.request('GET', `/activity?requestId=${encodeURIComponent(patchRequestId)}`, { key: null, headers: user.forProject(a.id) });
    expect(changed.status, changed.body).toBe(200);
    const changedItems: Item[] = changed.json.data;
    expect(changedItems.map((i) => i.type)).toEqual(['contact.updated']);
    for (const item of changedItems) {
      expect(item.requestId).toBe(patchRequestId);
      expect(item.actor).toEqual({ type: 'user', id: user.userId, email: user.email });
    }
  });

  it('lists the distinct types the project has recorded', async () => {
    const res = await t.request('GET', '/activity/types');
    expect(res.status, res.body).toBe(200);
    expect(res.json.types).toEqual(expect.arrayContaining(['email.queued', 'contact.created', 'contact.updated']));
    expect(res.json.types).toEqual([...new Set(res.json.types)].sort());
  });

  it('answers 401 without credentials and 400 for a session without X-Project-Id', async () => {
    expect((await t.request('GET', '/activity', { key: null })).status).toBe(401);
    const res = await t.request('GET', '/activity', { key: null, headers: user.headers });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
  });
});

describe('filters and paging', () => {
  let p: ProjectWithKeys;
  type Seed = { id: string; type: string; actorType: ActorType; actorId: string | null; requestId: string | null; createdAt: Date };
  let seeds: Seed[];
  const tie = new Date('2024-03-10T12:00:00.123Z');

  // 30 rows over 2024-03-01..2024-03-10; ten share one timestamp, so only the id orders them.
  beforeAll(async () => {
    p = await t.newProject('Filters');
    const types = ['widget.created', 'widget.deleted', 'gadget.created'];
    const actors: ActorType[] = ['secret_key', 'user', 'system'];
    const rows = Array.from({ length: 30 }, (_, i) => ({
      projectId: p.id,
      type: types[i % 3],
      actorType: actors[i % 3 === 0 ? 0 : (i % 2) + 1],
      actorId: i % 5 === 0 ? 'cli-host' : null,
      summary: `seed ${i}`,
      requestId: `req-${i % 4}`,
      createdAt: i < 10 ? tie : new Date(Date.UTC(2024, 2, 1 + (i % 9), i % 24, i)),
    }));
    seeds = await t.deps.db.insert(activities).values(rows).returning();
  });

  const get = (query: string) => t.request('GET', `/activity?${query}`, { key: p.secretKey });
  const idsOf = (json: { data: Item[] }) => json.data.map((i) => i.id).sort();
  const expectIds = (pred: (s: Seed) => boolean) => seeds.filter(pred).map((s) => s.id).sort();
  const inMarch = 'from=2024-03-01T00:00:00Z&to=2024-03-31T00:00:00Z';

  async function pageAll(query: string, limit: number, key = p.secretKey) {
    const items: Item[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res = await t.request('GET', `/activity?${[query, `limit=${limit}`, cursor && `cursor=${encodeURIComponent(cursor)}`].filter(Boolean).join('&')}`, { key });
      expect(res.status, res.body).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(limit);
      expect(res.json.hasMore).toBe(res.json.cursor !== null);
      items.push(...res.json.data);
      if (!res.json.hasMore) return items;
      cursor = res.json.cursor;
    }
    throw new Error('paging did not end');
  }

  it('narrows by exact type, a comma list and a prefix', async () => {
    expect(idsOf((await get(`type=widget.created&${inMarch}`)).json)).toEqual(expectIds((s) => s.type === 'widget.created'));
    expect(idsOf((await get(`type=widget.created,gadget.created&${inMarch}`)).json)).toEqual(expectIds((s) => s.type.endsWith('.created')));
    expect(idsOf((await get(`type=widget.*&${inMarch}`)).json)).toEqual(expectIds((s) => s.type.startsWith('widget.')));
    expect(idsOf((await get(`type=widget.*,gadget.created&${inMarch}`)).json)).toEqual(expectIds(() => true));
    expect((await get('type=widget.crea')).json.data).toEqual([]);
    // LIKE wildcards in a prefix are literal characters.
    expect((await get('type=widget_*')).json.data).toEqual([]);
  });

  it('narrows by actor type, actor id and request id', async () => {
    expect(idsOf((await get(`actorType=user&${inMarch}`)).json)).toEqual(expectIds((s) => s.actorType === 'user'));
    expect(idsOf((await get('actorId=cli-host')).json)).toEqual(expectIds((s) => s.actorId === 'cli-host'));
    expect(idsOf((await get('requestId=req-2')).json)).toEqual(expectIds((s) => s.requestId === 'req-2'));
    expect(idsOf((await get('requestId=req-2&type=gadget.created')).json)).toEqual(expectIds((s) => s.requestId === 'req-2' && s.type === 'gadget.created'));
  });

  it('narrows by time range, both ends inclusive', async () => {
    const from = new Date('2024-03-03T00:00:00Z');
    const to = tie;
    const res = await get(`from=${from.toISOString()}&to=${to.toISOString()}&limit=100`);
    expect(idsOf(res.json)).toEqual(expectIds((s) => s.createdAt >= from && s.createdAt <= to));
    expect(idsOf((await get('from=2024-03-02&to=2024-03-02T23:59:59Z')).json)).toEqual(
      expectIds((s) => s.createdAt.toISOString().startsWith('2024-03-02')),
    );
  });

  it('refuses malformed filters with 422', async () => {
    for (const q of ['actorType=robot', 'from=yesterday', 'limit=0', 'limit=101', 'from=2024-03-05&to=2024-03-01', 'type=wid*get']) {
      const res = await get(q);
      expect(res.status, q).toBe(422);
      expect(res.json.error.code, q).toBe('VALIDATION_ERROR');
    }
  });

  it('pages newest first and visits every row exactly once, ties on created_at included', async () => {
    const items = await pageAll(`type=widget.*,gadget.*`, 4);
    expect(items.map((i) => i.id).sort()).toEqual(expectIds(() => true));
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const order = [...seeds].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : 1));
    expect(items.map((i) => i.id)).toEqual(order.map((s) => s.id));
    // Unfiltered, the project's own rows (project creation) are in the walk too.
    const everything = await pageAll('', 7);
    expect(everything.length).toBe(seeds.length + (await t.request('GET', '/activity?limit=100&from=2025-01-01', { key: p.secretKey })).json.data.length);
  });

  it('refuses a cursor from another project, or a tampered one, with 400', async () => {
    const first = await get('limit=2');
    expect(first.json.cursor).toBeTruthy();
    const foreign = await t.request('GET', `/activity?limit=2&cursor=${encodeURIComponent(first.json.cursor)}`, { key: a.secretKey });
    expect(foreign.status, foreign.body).toBe(400);
    expect(foreign.json.error.code).toBe('BAD_REQUEST');
    const [payload, mac] = first.json.cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ t: '2030-01-01T00:00:00.000000Z', i: seeds[0].id })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.AAAA`, 'garbage', `${payload}`]) {
      expect((await get(`cursor=${encodeURIComponent(bad)}`)).status, bad).toBe(400);
    }
  });

  it('counts per type and per day, every day of the range included', async () => {
    const res = await t.request('GET', '/activity/stats?from=2024-03-01T00:00:00Z&to=2024-03-12T00:00:00Z', { key: p.secretKey });
    expect(res.status, res.body).toBe(200);
    expect(res.json.total).toBe(30);
    const byType = Object.fromEntries(res.json.byType.map((r: { type: string; count: number }) => [r.type, r.count]));
    expect(byType).toEqual({ 'widget.created': 10, 'widget.deleted': 10, 'gadget.created': 10 });
    expect(res.json.byDay.map((d: { date: string }) => d.date)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`));
    for (const day of res.json.byDay as { date: string; count: number }[]) {
      expect(day.count, day.date).toBe(seeds.filter((s) => s.createdAt.toISOString().startsWith(day.date)).length);
    }
  });

  it('defaults stats to the last 30 days', async () => {
    const res = await t.request('GET', '/activity/stats', { key: p.secretKey });
    expect(res.status, res.body).toBe(200);
    expect(res.json.byDay).toHaveLength(31);
    expect(res.json.byDay.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    // Only the project's creation falls in range; the 2024 seeds do not.
    expect(res.json.total).toBe(res.json.byDay.reduce((n: number, d: { count: number }) => n + d.count, 0));
    expect(res.json.byType.map((r: { type: string }) => r.type)).not.toContain('widget.created');
  });
});

describe('project isolation', () => {
  it("never shows another project's activity, types or stats", async () => {
    const b = await t.newProject('Isolated');
    const mine = await t.request('GET', '/activity?limit=100', { key: a.secretKey });
    const aIds = mine.json.data.map((i: Item) => i.id);
    expect(aIds.length).toBeGreaterThan(0);
    const theirs = await t.request('GET', '/activity?limit=100', { key: b.secretKey });
    expect(theirs.status).toBe(200);
    expect(theirs.json.data.some((i: Item) => aIds.includes(i.id))).toBe(false);
    const sendId = mine.json.data.find((i: Item) => i.type === 'email.queued').requestId;
    expect((await t.request('GET', `/activity?requestId=${sendId}`, { key: b.secretKey })).json.data).toEqual([]);
    expect((await t.request('GET', '/activity/types', { key: b.secretKey })).json.types).not.toContain('email.queued');
    expect((await t.request('GET', '/activity/stats', { key: b.secretKey })).json.byType.map((r: { type: string }) => r.type)).not.toContain('email.queued');
  });
});
