import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, getCampaignRow, seedContacts, waitForStatus } from '../../../test/campaign-fixtures.js';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { createUserSession, type TestSession } from '../../../test/sessions.js';
import { activities, emails } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { reconcileAllCounters } from './billing.service.js';

// Enforcement: a category at its limit refuses sends with 429 BILLING_LIMIT_EXCEEDED (the whole request
// rolls back), exactly at the limit under concurrency, without touching other categories.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
});
afterAll(() => t?.close());

async function projectWithLimits(limits: Record<string, number | null>): Promise<{ p: ProjectWithKeys; owner: TestSession }> {
  const p = await t.newProject('Limits');
  const owner = await createUserSession(t, { memberOf: [{ projectId: p.id, role: 'OWNER' }] });
  const res = await t.request('PUT', `/users/@me/projects/${p.id}/billing-limits`, { key: null, headers: owner.headers, body: limits });
  expect(res.status).toBe(200);
  return { p, owner };
}

const send = (p: ProjectWithKeys, to: string) =>
  t.request('POST', '/v1/send', { key: p.secretKey, body: { to, subject: 'Hi', body: '<p>Hi</p>', from: 'limits@example.com' } });

const activityTypes = async (projectId: string, type: string) =>
  t.deps.db.select().from(activities).where(and(eq(activities.projectId, projectId), eq(activities.type, type)));

describe('a transactional limit', () => {
  it('at 3, lets exactly 3 of 10 concurrent sends through and refuses 7 with the usage, while a campaign still sends', async () => {
    const { p } = await projectWithLimits({ transactional: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(p, `c${i}@example.com`)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.json.error.code).toBe('BILLING_LIMIT_EXCEEDED');
      expect(r.json.error.message).toBe('Billing limit reached for transactional emails. Current usage: 3/3 (100%)');
    }
    // Refused requests left nothing behind: 3 email rows, 3 contacts' worth of queued activity.
    expect(await t.deps.db.select().from(emails).where(eq(emails.projectId, p.id))).toHaveLength(3);
    expect(await activityTypes(p.id, 'email.queued')).toHaveLength(3);

    await seedContacts(t, 4, 'still', {}, p.id);
    const campaignId = await createCampaign(t, { name: 'Unaffected' }, p.secretKey);
    const started = await t.request('POST', `/campaigns/${campaignId}/send`, { key: p.secretKey, body: {} });
    expect(started.status).toBe(200);
    await waitForStatus(t, campaignId, 'SENT');
    expect((await send(p, 'late@example.com')).status).toBe(429);
  });

  it('writes one warning at 80 % and one notice at the limit, each once', async () => {
    const { p } = await projectWithLimits({ transactional: 5 });
    for (let i = 0; i < 3; i++) expect((await send(p, `w${i}@example.com`)).status).toBe(200);
    expect(await activityTypes(p.id, 'billing.limit_warning')).toHaveLength(0);
    expect((await send(p, 'w3@example.com')).status).toBe(200);
    const [warning] = await activityTypes(p.id, 'billing.limit_warning');
    expect(warning.summary).toContain('80%');
    expect(warning.metadata).toMatchObject({ category: 'transactional', usage: 4, limit: 5 });
    expect((await send(p, 'w4@example.com')).status).toBe(200);
    expect((await send(p, 'w5@example.com')).status).toBe(429);
    expect(await activityTypes(p.id, 'billing.limit_warning')).toHaveLength(1);
    expect(await activityTypes(p.id, 'billing.limit_reached')).toHaveLength(1);
  });

  it('gets its units back once emails FAIL and the counter is reconciled', async () => {
    const { p, owner } = await projectWithLimits({ transactional: 2 });
    const sent = [await send(p, 'r0@example.com'), await send(p, 'r1@example.com')];
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    expect((await send(p, 'r2@example.com')).status).toBe(429);
    await t.deps.db.update(emails).set({ status: 'FAILED' }).where(eq(emails.id, sent[0].json.data.emails[0].email));
    const limits = await t.request('GET', `/users/@me/projects/${p.id}/billing-limits`, { key: null, headers: owner.headers });
    expect(limits.json.transactional).toMatchObject({ usage: 1, isBlocked: false });

    expect(await reconcileAllCounters(t.deps)).toMatchObject({ failed: 0 });
    expect((await send(p, 'r3@example.com')).status).toBe(200);
    expect((await send(p, 'r4@example.com')).status).toBe(429);
  });
});

describe('a campaign limit', () => {
  it('refuses a campaign whose audience exceeds what remains, and admits one that fits', async () => {
    const { p, owner } = await projectWithLimits({ campaign: 5 });
    await seedContacts(t, 6, 'aud', {}, p.id);
    const tooBig = await createCampaign(t, { name: 'Too big' }, p.secretKey);
    const refused = await t.request('POST', `/campaigns/${tooBig}/send`, { key: p.secretKey, body: {} });
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('BILLING_LIMIT_EXCEEDED');
    expect(refused.json.error.message).toContain('Current usage: 0/5 (0%)');
    expect(refused.json.error.message).toContain('6 recipients');
    expect((await getCampaignRow(t, tooBig)).status).toBe('DRAFT');
    expect(await t.deps.db.select().from(emails).where(eq(emails.campaignId, tooBig))).toHaveLength(0);

    // Transactional mail is not limited here; with room for the audience the same campaign is admitted.
    expect((await send(p, 'aud-00000@example.com')).status).toBe(200);
    const url = `/users/@me/projects/${p.id}/billing-limits`;
    expect((await t.request('PUT', url, { key: null, headers: owner.headers, body: { campaign: 6 } })).status).toBe(200);
    expect((await t.request('POST', `/campaigns/${tooBig}/send`, { key: p.secretKey, body: {} })).status).toBe(200);
    await waitForStatus(t, tooBig, 'SENT');
    const limits = await t.request('GET', url, { key: null, headers: owner.headers });
    expect(limits.json.campaign).toMatchObject({ limit: 6, usage: 6, percentage: 100, isBlocked: true });
    expect(await activityTypes(p.id, 'billing.limit_reached')).toHaveLength(1);
  });
});
