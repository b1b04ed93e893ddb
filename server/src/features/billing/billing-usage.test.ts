import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { emails } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { suppressAddress } from '../suppressions/suppressions.service.js';

// Consumption is derived from the email rows: per UTC day and category, attachments count 2,
// FAILED and SUPPRESSED count nothing; limits are read by any member and set by OWNER/ADMIN.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.close());

const pdf = { filename: 'a.pdf', content: Buffer.from('%PDF-1.4').toString('base64'), contentType: 'application/pdf' };
const base = (url: string, session: TestSession) => ({ url, opts: { key: null, headers: session.headers } });

async function projectWithOwner(): Promise<{ p: ProjectWithKeys; owner: TestSession }> {
  const p = await t.newProject('Billing');
  const owner = await createUserSession(t, { memberOf: [{ projectId: p.id, role: 'OWNER' }] });
  return { p, owner };
}

const send = async (p: ProjectWithKeys, to: string, extra: Record<string, unknown> = {}) => {
  const res = await t.request('POST', '/v1/send', { key: p.secretKey, body: { to, subject: 'Hi', body: '<p>Hi</p>', from: 'billing@example.com', ...extra } });
  expect(res.status).toBe(200);
  return res.json.data.emails[0].email as string;
};

describe('GET /users/@me/projects/:id/billing-consumption', () => {
  it('counts units per category and day, attachments twice, FAILED and SUPPRESSED not at all', async () => {
    const { p, owner } = await projectWithOwner();
    await send(p, 'one@example.com');
    await send(p, 'two@example.com', { attachments: [pdf] });
    const failed = await send(p, 'three@example.com');
    await t.deps.db.update(emails).set({ status: 'FAILED' }).where(eq(emails.id, failed));
    await suppressAddress(t.deps.db, { projectId: p.id, email: 'gone@example.com', reason: 'MANUAL', source: 'api' });
    await send(p, 'gone@example.com');

    // Campaign and workflow mail on the 1st of the month, and one campaign email of last month.
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 0, 1));
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const [template] = await t.deps.db.select().from(emails).where(eq(emails.projectId, p.id)).limit(1);
    const copy = ({ id: _id, messageId: _m, ...row }: typeof template, over: Partial<typeof template>) => ({ ...row, ...over });
    await t.deps.db.insert(emails).values([
      copy(template, { sourceType: 'CAMPAIGN', createdAt: first }),
      copy(template, { sourceType: 'CAMPAIGN', createdAt: first }),
      copy(template, { sourceType: 'WORKFLOW', createdAt: first, billableUnits: 2 }),
      copy(template, { sourceType: 'CAMPAIGN', createdAt: lastMonth }),
    ]);

    const { url, opts } = base(`/users/@me/projects/${p.id}/billing-consumption`, owner);
    const res = await t.request('GET', url, opts);
    expect(res.status).toBe(200);
    expect(res.json.usage).toEqual({ transactional: 3, campaign: 2, workflow: 2, inbound: 0, total: 7 });
    const today = now.toISOString().slice(0, 10);
    expect(res.json.daily).toHaveLength(now.getUTCDate());
    expect(res.json.daily[0]).toMatchObject({ date: first.toISOString().slice(0, 10), campaign: 2, workflow: 2 });
    expect(res.json.daily.at(-1)).toMatchObject({ date: today, transactional: 3 });
    expect(res.json.period.start).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString());

    const key = lastMonth.toISOString().slice(0, 7);
    const previous = await t.request('GET', `${url}?period=${key}`, opts);
    expect(previous.json.usage).toMatchObject({ campaign: 1, total: 1 });
    expect(previous.json.daily).toHaveLength(new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 0)).getUTCDate());
    expect((await t.request('GET', `${url}?period=2024-13`, opts)).status).toBe(422);
  });

  it('is refused to a user who is not a member', async () => {
    const { p } = await projectWithOwner();
    const stranger = await createUserSession(t);
    const res = await t.request('GET', `/users/@me/projects/${p.id}/billing-consumption`, { key: null, headers: stranger.headers });
    expect(res.status).toBe(403);
    expect((await t.request('GET', `/users/@me/projects/${p.id}/billing-consumption`, { key: p.secretKey })).status).toBe(401);
  });
});

describe('billing limits', () => {
  it('are read by members and set by OWNER or ADMIN only; null removes a limit', async () => {
    const { p, owner } = await projectWithOwner();
    const admin = await createUserSession(t, { memberOf: [{ projectId: p.id, role: 'ADMIN' }] });
    const member = await createUserSession(t, { memberOf: [{ projectId: p.id, role: 'MEMBER' }] });
    const url = `/users/@me/projects/${p.id}/billing-limits`;
    await send(p, 'a@example.com');

    const initial = await t.request('GET', url, { key: null, headers: member.headers });
    expect(initial.status).toBe(200);
    expect(initial.json.transactional).toEqual({ limit: null, usage: 1, percentage: 0, isWarning: false, isBlocked: false });

    const refused = await t.request('PUT', url, { key: null, headers: member.headers, body: { transactional: 10 } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('FORBIDDEN');

    const set = await t.request('PUT', url, { key: null, headers: admin.headers, body: { transactional: 1, campaign: 100 } });
    expect(set.status).toBe(200);
    expect(set.json.transactional).toEqual({ limit: 1, usage: 1, percentage: 100, isWarning: true, isBlocked: true });
    expect(set.json.campaign).toMatchObject({ limit: 100, usage: 0, isBlocked: false });

    const cleared = await t.request('PUT', url, { key: null, headers: owner.headers, body: { transactional: null } });
    expect(cleared.json.transactional.limit).toBeNull();
    expect(cleared.json.campaign.limit).toBe(100);

    for (const body of [{ transactional: 0 }, { campaign: -1 }, { workflow: 1.5 }, { inbound: 'ten' }, { other: 1 }]) {
      expect((await t.request('PUT', url, { key: null, headers: owner.headers, body })).status).toBe(422);
    }
    const rows = await t.deps.db.select().from(emails).where(inArray(emails.projectId, [p.id]));
    expect(rows).toHaveLength(1);
  });
});
