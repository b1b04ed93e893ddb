import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';

let t: TestContext;
const list = (query = '') => t.request('GET', `/templates${query}`);

beforeAll(async () => {
  t = await createTestContext();
  // 25 templates, created one after another so createdAt orders them.
  for (let i = 1; i <= 25; i++) {
    const n = String(i).padStart(2, '0');
    await t.request('POST', '/templates', {
      body: {
        name: `Template ${n}`,
        subject: i === 7 ? 'Your ORDER shipped' : `Subject ${n}`,
        description: i === 9 ? 'Sent after an order is placed' : null,
        body: '<p>x</p>',
        from: 'a@acme.test',
        type: i % 5 === 0 ? 'TRANSACTIONAL' : 'MARKETING',
      },
    });
  }
  const other = await t.newProject('Other');
  await t.request('POST', '/templates', { key: other.secretKey, body: { name: 'Foreign order', subject: 's', body: 'b', from: 'a@acme.test' } });
});
afterAll(() => t.close());

describe('GET /templates', () => {
  it('pages with the offset shape, newest first, 20 per page by default', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ total: 25, page: 1, pageSize: 20, totalPages: 2 });
    expect(res.json.data).toHaveLength(20);
    expect(res.json.data[0].name).toBe('Template 25');
    const second = await list('?page=2');
    expect(second.json.data.map((d: { name: string }) => d.name)).toEqual(['Template 05', 'Template 04', 'Template 03', 'Template 02', 'Template 01']);
  });

  it('answers an empty page past the end', async () => {
    const res = await list('?page=9&pageSize=10');
    expect(res.json).toMatchObject({ data: [], total: 25, page: 9, pageSize: 10, totalPages: 3 });
  });

  it('sorts by name in either direction and falls back to createdAt for unknown sorts', async () => {
    const asc = await list('?sort=name&dir=asc&pageSize=3');
    expect(asc.json.data.map((d: { name: string }) => d.name)).toEqual(['Template 01', 'Template 02', 'Template 03']);
    const fallback = await list('?sort=bogus&dir=sideways&pageSize=1');
    expect(fallback.status).toBe(200);
    expect(fallback.json.data[0].name).toBe('Template 25');
  });

  it('searches name, description and subject case-insensitively within the project', async () => {
    const res = await list('?search=order');
    expect(res.json.data.map((d: { name: string }) => d.name).sort()).toEqual(['Template 07', 'Template 09']);
    expect(res.json.total).toBe(2);
    expect((await list('?search=TEMPLATE%2012')).json.total).toBe(1);
    expect((await list('?search=%25')).json.total).toBe(0);
  });

  it('filters by type', async () => {
    const res = await list('?type=TRANSACTIONAL');
    expect(res.json.total).toBe(5);
    expect(res.json.data.every((d: { type: string }) => d.type === 'TRANSACTIONAL')).toBe(true);
  });

  it('refuses page sizes over 100 and pages below 1', async () => {
    expect((await list('?pageSize=101')).status).toBe(422);
    expect((await list('?page=0')).status).toBe(422);
    expect((await list('?pageSize=100')).json.pageSize).toBe(100);
  });
});
