import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { mergeContactCounts } from './contact-list.service.js';

let t: TestContext;
let p: ProjectWithKeys;
type Seeded = { id: string; email: string; createdAt: Date; subscribed: boolean };
let seeded: Seeded[];

// 25 contacts whose creation times fall into three groups of exact ties, so only the id breaks them.
beforeAll(async () => {
  t = await createTestContext();
  p = await t.newProject('Listing');
  const times = [new Date('2024-01-01T00:00:00Z'), new Date('2024-02-01T00:00:00Z'), new Date('2024-03-01T00:00:00Z')];
  const rows = Array.from({ length: 25 }, (_, i) => ({
    projectId: p.id,
    email: `c${String((i * 7) % 25).padStart(2, '0')}@example.com`,
    createdAt: times[i % 3],
    subscribed: i % 4 !== 0,
  }));
  seeded = await t.deps.db.insert(contacts).values(rows).returning();
});
afterAll(() => t.close());

const list = (query: string, key: string | null = p.secretKey) => t.request('GET', `/contacts${query ? `?${query}` : ''}`, { key });

/** Follows cursors to the end, checking the page shape on the way. */
async function pageAll(query: string, limit: number) {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await list([query, `limit=${limit}`, cursor && `cursor=${encodeURIComponent(cursor)}`].filter(Boolean).join('&'));
    expect(res.status).toBe(200);
    ids.push(...res.json.data.map((c: { id: string }) => c.id));
    totals.push(res.json.total);
    expect(res.json.hasMore).toBe(res.json.cursor !== null);
    if (!res.json.hasMore) return { ids, totals };
    expect(res.json.data).toHaveLength(limit);
    cursor = res.json.cursor;
  }
  throw new Error('pagination did not end');
}

function expectedOrder(sort: 'email' | 'createdAt', dir: 'asc' | 'desc', rows = seeded) {
  const cmp = (a: Seeded, b: Seeded) => {
    const byKey = sort === 'email' ? a.email.localeCompare(b.email) : a.createdAt.getTime() - b.createdAt.getTime();
    return byKey || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
  const sorted = [...rows].sort(cmp);
  return (dir === 'asc' ? sorted : sorted.reverse()).map((r) => r.id);
}

describe('GET /contacts pagination', () => {
  for (const sort of ['createdAt', 'email'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`pages by ${sort} ${dir} without skipping or repeating rows, ties included`, async () => {
        const { ids, totals } = await pageAll(`sort=${sort}&dir=${dir}`, 10);
        expect(ids).toEqual(expectedOrder(sort, dir));
        expect(totals).toEqual([25, 0, 0]);
      });
    }
  }

  it('defaults to 20 per page, newest first, and treats unknown sort and dir as the defaults', async () => {
    const plain = await list('');
    expect(plain.json.data).toHaveLength(20);
    expect(plain.json.data.map((c: { id: string }) => c.id)).toEqual(expectedOrder('createdAt', 'desc').slice(0, 20));
    const odd = await list('sort=banana&dir=sideways');
    expect(odd.json.data).toEqual(plain.json.data);
    expect(odd.json.cursor).toBe(plain.json.cursor);
  });

  it('caps limit at 100 and refuses a limit below 1', async () => {
    const big = await list('limit=500');
    expect(big.status).toBe(200);
    expect(big.json).toMatchObject({ hasMore: false, cursor: null, total: 25 });
    expect((await list('limit=0')).status).toBe(422);
  });

  it('answers with bare contacts', async () => {
    const res = await list('limit=1&sort=email&dir=asc');
    expect(res.json.data[0]).toEqual({
      id: expect.any(String),
      email: 'c00@example.com',
      subscribed: expect.any(Boolean),
      data: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('pages contacts created through the API (timestamps finer than a millisecond)', async () => {
    const q = await t.newProject('API-created');
    for (let i = 0; i < 7; i++) await t.request('POST', '/contacts', { key: q.secretKey, body: { email: `api${i}@example.com` } });
    for (const dir of ['asc', 'desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Awaited<ReturnType<typeof list>> = await list(`limit=2&dir=${dir}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, q.secretKey);
        seen.push(...res.json.data.map((c: { email: string }) => c.email));
        cursor = res.json.cursor;
      } while (cursor);
      const expected = Array.from({ length: 7 }, (_, i) => `api${i}@example.com`);
      expect(seen).toEqual(dir === 'asc' ? expected : expected.reverse());
    }
  });
});

describe('GET /contacts filters', () => {
  it('searches a case-insensitive substring of the email', async () => {
    const res = await list('search=C1&limit=100');
    const emails = res.json.data.map((c: { email: string }) => c.email).sort();
    expect(emails).toEqual(Array.from({ length: 10 }, (_, i) => `c1${i}@example.com`));
    expect(res.json.total).toBe(10);
  });

  it('takes LIKE wildcards in the search literally', async () => {
    const res = await list('search=%25');
    expect(res.json).toMatchObject({ data: [], total: 0, hasMore: false });
  });

  it('filters by subscription and pages through the filtered set', async () => {
    const unsubscribed = seeded.filter((c) => !c.subscribed);
    const { ids, totals } = await pageAll('subscribed=false&sort=email&dir=asc', 3);
    expect(ids).toEqual(expectedOrder('email', 'asc', unsubscribed));
    expect(totals[0]).toBe(unsubscribed.length);
    expect(totals.slice(1).every((n) => n === 0)).toBe(true);
    const subscribed = await list('subscribed=true&limit=100');
    expect(subscribed.json.total).toBe(25 - unsubscribed.length);
  });

  it('lists only the calling project\'s contacts', async () => {
    const other = await t.newProject('Empty');
    expect((await list('', other.secretKey)).json).toEqual({ data: [], cursor: null, hasMore: false, total: 0 });
  });
});

describe('GET /contacts cursors', () => {
  const firstCursor = async (query = 'limit=5') => (await list(query)).json.cursor as string;

  it('refuses a cursor issued to another project with 400', async () => {
    const other = await t.newProject('Other');
    const res = await list(`cursor=${encodeURIComponent(await firstCursor())}`, other.secretKey);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('BAD_REQUEST');
  });

  it('refuses malformed and tampered cursors with 400', async () => {
    const good = await firstCursor();
    const [payload, mac] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), v: '2030-01-01T00:00:00Z' })).toString('base64url');
    for (const cursor of ['garbage', 'a.b', `${forged}.${mac}`, `${payload}.${mac}x`, `${good}.extra`, seeded[0].id]) {
      const res = await list(`cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(res.json.error.code).toBe('BAD_REQUEST');
    }
  });

  it('treats an empty cursor as the first page', async () => {
    expect((await list('cursor=&limit=5')).json).toEqual((await list('limit=5')).json);
  });

  it('refuses a cursor used with a different sort or direction', async () => {
    const cursor = encodeURIComponent(await firstCursor('limit=5&sort=email&dir=asc'));
    expect((await list(`cursor=${cursor}&sort=email&dir=desc`)).status).toBe(400);
    expect((await list(`cursor=${cursor}`)).status).toBe(400);
    expect((await list(`cursor=${cursor}&sort=email&dir=asc`)).status).toBe(200);
  });

  it('requires the secret key', async () => {
    expect((await list('', p.publicKey)).status).toBe(401);
    expect((await list('', null)).status).toBe(401);
  });
});

describe('contact totals', () => {
  it('stay exact through creates, flips, deletes and the periodic merge', async () => {
    const p = await t.newProject('Counting');
    const create = (email: string, subscribed = true) => t.request('POST', '/contacts', { key: p.secretKey, body: { email, subscribed } });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await create(`count${i}@example.com`, i % 2 === 0)).json.id);
    await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'e', email: 'count-track@example.com' } });
    await t.request('PATCH', `/contacts/${ids[1]}`, { key: p.secretKey, body: { subscribed: true } });
    await t.request('DELETE', `/contacts/${ids[0]}`, { key: p.secretKey });
    const totals = async () => ({
      all: (await t.request('GET', '/contacts', { key: p.secretKey })).json.total,
      subscribed: (await t.request('GET', '/contacts?subscribed=true', { key: p.secretKey })).json.total,
      unsubscribed: (await t.request('GET', '/contacts?subscribed=false', { key: p.secretKey })).json.total,
    });
    // 7 created (4 subscribed incl. the tracked one), one flipped to subscribed, one subscribed deleted.
    expect(await totals()).toEqual({ all: 6, subscribed: 4, unsubscribed: 2 });
    await mergeContactCounts(t.deps.db);
    expect(await totals()).toEqual({ all: 6, subscribed: 4, unsubscribed: 2 });
  });
});
