import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { parseCsv } from './contact-csv.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
});
afterAll(() => t.close());

const create = (email: string, extra: Record<string, unknown> = {}, key?: string) => t.request('POST', '/contacts', { body: { email, ...extra }, key });
const exportCsv = (query = '') => t.request('GET', `/contacts/export${query}`);
const rowsOf = (body: string) => [...parseCsv(body)].map((r) => r.fields);

describe('GET /contacts/export', () => {
  beforeAll(async () => {
    await create('plain@example.com', { data: { plan: 'pro' } });
    await create('tricky@example.com', { data: { note: 'says "hi", then\nleaves', formula: '=HYPERLINK("http://evil")', at: '@SUM(A1)', n: -5, tags: ['a', 'b'] } });
    await create('gone@example.com', { subscribed: false, data: { '+cmd': 'x' } });
    const other = await t.newProject('Other');
    await create('theirs@example.com', { data: { secret: 'no' } }, other.secretKey);
  });

  it('streams every contact of the project as an attachment, escaped and with formulas defused', async () => {
    const res = await exportCsv();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual(['email', 'subscribed', 'createdAt', "'+cmd", 'at', 'formula', 'n', 'note', 'plan', 'tags']);
    expect(rows.map((r) => r[0])).toEqual(['plain@example.com', 'tricky@example.com', 'gone@example.com']);
    const tricky = Object.fromEntries(header.map((h, i) => [h, rows[1][i]]));
    expect(tricky).toMatchObject({
      subscribed: 'true',
      note: 'says "hi", then\nleaves',
      formula: `'=HYPERLINK("http://evil")`,
      at: "'@SUM(A1)",
      n: '-5',
      tags: '["a","b"]',
      plan: '',
    });
    expect(res.body).toContain('"says ""hi"", then\nleaves"');
    expect(res.body).not.toContain('theirs@example.com');
  });

  it('filters by subscription and by email substring', async () => {
    expect(rowsOf((await exportCsv('?subscribed=false')).body).slice(1).map((r) => r[0])).toEqual(['gone@example.com']);
    expect(rowsOf((await exportCsv('?search=TRICK')).body).slice(1).map((r) => r[0])).toEqual(['tricky@example.com']);
    expect((await exportCsv('?subscribed=maybe')).status).toBe(422);
  });

  it('pages through more than 1000 contacts created in the same instant', async () => {
    const csv = ['email', ...Array.from({ length: 2100 }, (_, i) => `many-${i}@example.com`)].join('\n');
    const queued = await t.request('POST', '/contacts/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    await waitFor(async () => (await t.request('GET', `/contacts/import/${queued.json.jobId}`)).json.state === 'completed', 30_000, 'import');
    const emails = rowsOf((await exportCsv('?search=many-')).body).slice(1).map((r) => r[0]);
    expect(emails).toHaveLength(2100);
    expect(new Set(emails).size).toBe(2100);
  });

  it('requires the secret key', async () => {
    expect((await t.request('GET', '/contacts/export', { key: t.project.publicKey })).status).toBe(401);
  });
});
