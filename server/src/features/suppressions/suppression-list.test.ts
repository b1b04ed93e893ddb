import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession } from '../../../test/sessions.js';
import { queryRows } from '../../db/client.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
});
afterAll(() => t.close());

const add = (body: unknown, key?: string) => t.request('POST', '/suppression-list', { body, key });
const list = (query = '', key?: string) => t.request('GET', `/suppression-list${query}`, { key });
const activityTypes = async (type: string) => (await t.request('GET', `/activity?type=${type}&limit=100`)).json.data;

function multipart(csv: string, field = 'file') {
  const boundary = '----mwtest' + Math.random().toString(16).slice(2);
  const rawBody = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="list.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
  return { rawBody, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('POST /suppression-list', () => {
  it('adds an address (lowercased, reason MANUAL by default) with 201, and answers 200 with the same row when it is already listed', async () => {
    const first = await add({ email: '  Manual@Example.com ' });
    expect(first.status, first.body).toBe(201);
    expect(first.json).toMatchObject({ email: 'manual@example.com', reason: 'MANUAL', source: 'api', emailId: null, createdAt: expect.any(String) });
    const again = await add({ email: 'MANUAL@example.com', reason: 'COMPLAINT' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect((await activityTypes('suppression.added')).filter((a: { metadata: { email: string } }) => a.metadata.email === 'manual@example.com')).toHaveLength(1);
  });

  it('takes an explicit reason and refuses an invalid address or reason with 422', async () => {
    expect((await add({ email: 'complained@example.com', reason: 'COMPLAINT' })).json.reason).toBe('COMPLAINT');
    expect((await add({ email: 'not-an-address' })).status).toBe(422);
    expect((await add({ email: 'x@example.com', reason: 'SPAM' })).status).toBe(422);
  });
});

describe('DELETE /suppression-list/:email', () => {
  it('removes a listed address (any case) and records it; a second delete is a 404', async () => {
    await add({ email: 'remove-me@example.com' });
    const removed = await t.request('DELETE', '/suppression-list/Remove-Me%40example.com');
    expect(removed.status, removed.body).toBe(200);
    expect(removed.json).toEqual({ success: true, email: 'remove-me@example.com' });
    expect((await list('?search=remove-me')).json.data).toEqual([]);
    const again = await t.request('DELETE', '/suppression-list/remove-me@example.com');
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('NOT_FOUND');
    expect((await activityTypes('suppression.removed')).map((a: { metadata: { email: string } }) => a.metadata.email)).toContain('remove-me@example.com');
  });
});

describe('GET /suppression-list', () => {
  it('pages newest first with signed cursors and filters by part of the address', async () => {
    for (const n of [1, 2, 3]) await add({ email: `page-${n}@paging.test` });
    const first = await list('?search=PAGING&limit=2');
    expect(first.status).toBe(200);
    expect(first.json.data.map((r: { email: string }) => r.email)).toEqual(['page-3@paging.test', 'page-2@paging.test']);
    expect(first.json.hasMore).toBe(true);
    const second = await list(`?search=paging&limit=2&cursor=${encodeURIComponent(first.json.cursor)}`);
    expect(second.json.data.map((r: { email: string }) => r.email)).toEqual(['page-1@paging.test']);
    expect(second.json).toMatchObject({ hasMore: false, cursor: null });
    const tampered = await list(`?limit=2&cursor=${encodeURIComponent(first.json.cursor.slice(0, -2) + 'xx')}`);
    expect(tampered.status).toBe(400);
  });

  it('treats LIKE wildcards in the search as plain text', async () => {
    await add({ email: 'under_score@example.com' });
    await add({ email: 'underXscore@example.com' });
    expect((await list('?search=under_')).json.data.map((r: { email: string }) => r.email)).toEqual(['under_score@example.com']);
  });
});

describe('POST /suppression-list/import', () => {
  it('imports a multipart CSV by its email column, skipping duplicates and reporting bad rows', async () => {
    await add({ email: 'already@import.test' });
    const csv = 'name,Email,reason\nAnn,ann@import.test,\nBob,BOB@import.test,hard_bounce\nDup,ann@import.test,\nOld,already@import.test,\nBad,not-an-email,\nEmpty,,\nOdd,odd@import.test,whatever\n';
    const res = await t.request('POST', '/suppression-list/import', multipart(csv));
    expect(res.status, res.body).toBe(200);
    expect(res.json).toMatchObject({ total: 7, added: 2, alreadyListed: 2, failed: 3 });
    expect(res.json.errors).toEqual([
      { line: 6, value: 'not-an-email', message: 'not a valid email address' },
      { line: 7, value: null, message: 'email is empty' },
      { line: 8, value: 'odd@import.test', message: expect.stringContaining('reason must be one of') },
    ]);
    const rows = (await list('?search=import.test')).json.data;
    expect(rows.map((r: { email: string; reason: string; source: string }) => [r.email, r.reason, r.source]).sort()).toEqual([
      ['already@import.test', 'MANUAL', 'api'],
      ['ann@import.test', 'MANUAL', 'import'],
      ['bob@import.test', 'HARD_BOUNCE', 'import'],
    ]);
    const [entry] = await activityTypes('suppression.imported');
    expect(entry.metadata).toMatchObject({ total: 7, added: 2, failed: 3 });
  });

  it('imports a text/csv body in batches of 500', async () => {
    const csv = 'email\n' + Array.from({ length: 1203 }, (_, i) => `bulk-${i}@bulk.test`).join('\n');
    const res = await t.request('POST', '/suppression-list/import', { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.json).toMatchObject({ total: 1203, added: 1203, alreadyListed: 0, failed: 0 });
    const [{ n }] = await queryRows<{ n: number }>(t.deps.db, sql`select count(*)::int as n from suppressions where email like '%@bulk.test'`);
    expect(n).toBe(1203);
  });

  it('refuses a file without an email column, changing nothing', async () => {
    const res = await t.request('POST', '/suppression-list/import', multipart('address\nnope@import.test\n'));
    expect(res.status).toBe(422);
    expect(res.json.error.message).toMatch(/"email" column/);
    expect((await list('?search=nope@')).json.data).toEqual([]);
  });

  it('refuses a request without a file', async () => {
    expect((await t.request('POST', '/suppression-list/import', multipart('email\na@b.test\n', 'other'))).status).toBe(422);
    expect((await t.request('POST', '/suppression-list/import', { body: { csv: 'email' } })).status).toBe(415);
  });
});

describe('the suppression list and /v1/send', () => {
  it('stores a suppressed recipient as SUPPRESSED with the reason, queues no job for it, and still lists it in the response', async () => {
    await add({ email: 'blocked@send.test', reason: 'COMPLAINT' });
    const res = await t.request('POST', '/v1/send', { body: { to: ['Blocked@send.test', 'open@send.test'], subject: 'S', body: '<p>B</p>' } });
    expect(res.status, res.body).toBe(200);
    const [blocked, open] = res.json.data.emails;
    expect(blocked.contact.email).toBe('blocked@send.test');
    const row = (await t.request('GET', `/emails/${blocked.email}`)).json;
    expect(row.status).toBe('SUPPRESSED');
    expect(row.reason).toMatch(/blocked@send\.test is on the suppression list \(COMPLAINT: a spam complaint, since \d{4}-/);
    expect((await t.request('GET', `/emails/${open.email}`)).json.status).toBe('PENDING');
    const jobs = await queryRows<{ id: string }>(t.deps.db, sql`select data->>'emailId' as id from pgboss.job where name = 'email.send' and data->>'emailId' in (${blocked.email}, ${open.email})`);
    expect(jobs.map((j) => j.id)).toEqual([open.email]);
    expect((await activityTypes('email.suppressed')).map((a: { metadata: { emailId: string } }) => a.metadata.emailId)).toEqual([blocked.email]);
  });
});

describe('tenancy and access', () => {
  it("keeps each project's list to itself", async () => {
    const b = await t.newProject('Other');
    await add({ email: 'a-only@tenant.test' });
    expect((await list('?search=tenant.test', b.secretKey)).json.data).toEqual([]);
    expect((await t.request('DELETE', '/suppression-list/a-only@tenant.test', { key: b.secretKey })).status).toBe(404);
    expect((await add({ email: 'a-only@tenant.test' }, b.secretKey)).status).toBe(201);
    expect((await list('?search=tenant.test')).json.data).toHaveLength(1);
  });

  it('refuses the public key and accepts a member session with X-Project-Id', async () => {
    expect((await list('', t.project.publicKey)).status).toBe(401);
    const member = await createUserSession(t, { memberOf: [{ projectId: t.project.id, role: 'MEMBER' }] });
    const res = await t.request('POST', '/suppression-list', { key: null, headers: member.forProject(t.project.id), body: { email: 'session@example.com' } });
    expect(res.status, res.body).toBe(201);
    expect(res.json.source).toBe('dashboard');
  });
});
