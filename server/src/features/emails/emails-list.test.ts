import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession } from '../../../test/sessions.js';
import { emails } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// GET /emails (the dashboard's email list) and the rendered body on GET /emails/:id.

let t: TestContext;
let a: ProjectWithKeys;
type Item = { id: string; status: string; reason: string | null; to: string; subject: string; sourceType: string; contactId: string; createdAt: string; sentAt: string | null };
let sent: { id: string; contactId: string; to: string }[];
let failedIds: string[];

beforeAll(async () => {
  t = await createTestContext({ env: { RATE_LIMIT_ENABLED: 'false' } });
  a = t.project;
  sent = [];
  // 7 emails to 3 recipients, some in one request (same created_at: only the id orders them).
  const batches = [['one@example.com'], ['two@example.com', 'three@example.com', 'one@example.com'], ['two@example.com'], ['one@example.com', 'three@example.com']];
  for (const to of batches) {
    const res = await t.request('POST', '/v1/send', { body: { to, subject: `To ${to.join(', ')}`, body: '<p>Hi {{ firstName ?? "there" }}</p>' } });
    expect(res.status, res.body).toBe(200);
    for (const e of res.json.data.emails) sent.push({ id: e.email, contactId: e.contact.id, to: e.contact.email });
  }
  // No worker runs here; two rows are moved to FAILED directly so the status filter has something to pick.
  failedIds = [sent[1].id, sent[4].id];
  await t.deps.db.update(emails).set({ status: 'FAILED', statusReason: 'Rejected by test' }).where(inArray(emails.id, failedIds));
});
afterAll(() => t?.close());

async function pageAll(query: string, limit: number, key = a.secretKey) {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 20; guard++) {
    const res = await t.request('GET', `/emails?${[query, `limit=${limit}`, cursor && `cursor=${encodeURIComponent(cursor)}`].filter(Boolean).join('&')}`, { key });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data.length).toBeLessThanOrEqual(limit);
    items.push(...res.json.data);
    if (!res.json.hasMore) return items;
    cursor = res.json.cursor;
  }
  throw new Error('paging did not end');
}

describe('GET /emails', () => {
  it('lists newest first with the summary fields', async () => {
    const res = await t.request('GET', '/emails');
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toHaveLength(7);
    expect(res.json.hasMore).toBe(false);
    expect(res.json.cursor).toBeNull();
    const last = sent.at(-1)!;
    const item = res.json.data.find((e: Item) => e.id === last.id);
    expect(item).toEqual({
      id: last.id, status: 'PENDING', reason: null, to: last.to, subject: 'To one@example.com, three@example.com',
      sourceType: 'TRANSACTIONAL', contactId: last.contactId, createdAt: expect.any(String), sentAt: null,
    });
    const times = res.json.data.map((e: Item) => Date.parse(e.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // The first request's email is the oldest.
    expect(res.json.data.at(-1).id).toBe(sent[0].id);
  });

  it('pages through every email exactly once', async () => {
    const items = await pageAll('', 2);
    expect(items.map((e) => e.id).sort()).toEqual(sent.map((s) => s.id).sort());
    expect(new Set(items.map((e) => e.id)).size).toBe(7);
    expect(items.map((e) => e.id)).toEqual((await t.request('GET', '/emails?limit=100')).json.data.map((e: Item) => e.id));
  });

  it('filters by status and by contact, and pages within a filter', async () => {
    const failed = await pageAll('status=FAILED', 1);
    expect(failed.map((e) => e.id).sort()).toEqual([...failedIds].sort());
    expect(failed.every((e) => e.reason === 'Rejected by test')).toBe(true);
    const one = sent.find((s) => s.to === 'one@example.com')!.contactId;
    const toOne = await pageAll(`contactId=${one}`, 2);
    expect(toOne.map((e) => e.id).sort()).toEqual(sent.filter((s) => s.contactId === one).map((s) => s.id).sort());
    expect((await pageAll(`contactId=${one}&status=PENDING`, 10)).every((e) => e.contactId === one && e.status === 'PENDING')).toBe(true);
    for (const q of ['status=LOST', 'contactId=nope', 'limit=0']) {
      expect((await t.request('GET', `/emails?${q}`)).status, q).toBe(422);
    }
  });

  it('works with a dashboard session', async () => {
    const user = await createUserSession(t, { memberOf: [{ projectId: a.id, role: 'MEMBER' }] });
    const res = await t.request('GET', '/emails?limit=3', { key: null, headers: user.forProject(a.id) });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toHaveLength(3);
  });

  it("keeps projects apart: B's key sees none of A's emails and cannot use A's cursor", async () => {
    const b = await t.newProject('Other');
    expect((await t.request('GET', '/emails', { key: b.secretKey })).json.data).toEqual([]);
    expect((await t.request('GET', `/emails?contactId=${sent[0].contactId}`, { key: b.secretKey })).json.data).toEqual([]);
    expect((await t.request('GET', `/emails/${sent[0].id}`, { key: b.secretKey })).status).toBe(404);
    const page = await t.request('GET', '/emails?limit=1');
    const foreign = await t.request('GET', `/emails?limit=1&cursor=${encodeURIComponent(page.json.cursor)}`, { key: b.secretKey });
    expect(foreign.status, foreign.body).toBe(400);
  });
});

describe('GET /emails/:id', () => {
  it('returns the rendered html and text of the body', async () => {
    const res = await t.request('GET', `/emails/${sent[0].id}`);
    expect(res.status, res.body).toBe(200);
    expect(res.json.html).toBe('<p>Hi there</p>');
    expect(res.json.text).toBe('Hi there');
  });
});
