import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { campaigns, contacts, type CampaignStatus } from '../../db/schema/index.js';
import { countAudience, listAudienceIdsAfter } from '../segments/audience.service.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { campaignAudience } from './campaign-audience.js';

// Who a campaign is for: ALL, SEGMENT (static and dynamic) and FILTERED audiences, with marketing
// campaigns skipping unsubscribed, snoozed and suppressed contacts and transactional ones skipping
// only suppressed addresses. The count shown is what campaignAudience (used by the fan-out) selects.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
const post = (p: ProjectWithKeys, url: string, body?: Body) => t.request('POST', url, { key: p.secretKey, body });
const plan = (value: string) => ({ logic: 'AND', groups: [{ filters: [{ field: 'data.plan', operator: 'equals', value }] }] });
const future = new Date(Date.now() + 7 * 86_400_000);
const past = new Date(Date.now() - 86_400_000);

/**
 * Per project, six "pro" contacts: ok, unsubscribed, snoozed, snooze-over, suppressed (on the list),
 * unsubscribed+suppressed; and two "free" ones (one unsubscribed).
 */
async function world() {
  const p = await t.newProject();
  const rows = [
    { email: 'ok@x.com', data: { plan: 'pro' } },
    { email: 'unsub@x.com', data: { plan: 'pro' }, subscribed: false },
    { email: 'snoozed@x.com', data: { plan: 'pro' }, snoozedUntil: future },
    { email: 'snooze-over@x.com', data: { plan: 'pro' }, snoozedUntil: past },
    { email: 'suppressed@x.com', data: { plan: 'pro' } },
    { email: 'both@x.com', data: { plan: 'pro' }, subscribed: false },
    { email: 'free@x.com', data: { plan: 'free' } },
    { email: 'free-unsub@x.com', data: { plan: 'free' }, subscribed: false },
  ];
  await t.deps.db.insert(contacts).values(rows.map((r) => ({ projectId: p.id, ...r })));
  for (const email of ['suppressed@x.com', 'both@x.com']) expect((await post(p, '/suppression-list', { email })).status).toBeLessThan(300);
  return p;
}

async function createCampaign(p: ProjectWithKeys, extra: Body) {
  const res = await post(p, '/campaigns', { name: 'A', subject: 's', body: 'b', ...extra });
  expect(res.status, res.body).toBe(201);
  return res.json.data;
}

/** The addresses campaignAudience selects for a stored campaign (what the fan-out walks). */
async function recipientsOf(id: string): Promise<string[]> {
  const [row] = await t.deps.db.select().from(campaigns).where(eq(campaigns.id, id));
  const where = await campaignAudience(t.deps.db, row, new Date());
  const ids = await listAudienceIdsAfter(t.deps.db, where, null, 1000);
  const rows = await t.deps.db.select({ id: contacts.id, email: contacts.email }).from(contacts).where(eq(contacts.projectId, row.projectId));
  expect(await countAudience(t.deps.db, where)).toBe(ids.length);
  return rows.filter((r) => ids.includes(r.id)).map((r) => r.email).sort();
}

describe('audience counts', () => {
  it('ALL: marketing skips unsubscribed, snoozed and suppressed contacts; transactional only suppressed', async () => {
    const p = await world();
    const marketing = await createCampaign(p, { audienceType: 'ALL' });
    expect(marketing.totalRecipients).toBe(3);
    expect(await recipientsOf(marketing.id)).toEqual(['free@x.com', 'ok@x.com', 'snooze-over@x.com']);
    const transactional = await createCampaign(p, { audienceType: 'ALL', type: 'TRANSACTIONAL' });
    expect(transactional.totalRecipients).toBe(6);
    expect(await recipientsOf(transactional.id)).toEqual(['free-unsub@x.com', 'free@x.com', 'ok@x.com', 'snooze-over@x.com', 'snoozed@x.com', 'unsub@x.com']);
  });

  it('FILTERED: the condition, then the same delivery rules', async () => {
    const p = await world();
    expect((await createCampaign(p, { audienceType: 'FILTERED', audienceCondition: plan('pro') })).totalRecipients).toBe(2);
    expect((await createCampaign(p, { audienceType: 'FILTERED', audienceCondition: plan('pro'), type: 'TRANSACTIONAL' })).totalRecipients).toBe(4);
    expect((await createCampaign(p, { audienceType: 'FILTERED', audienceCondition: plan('none') })).totalRecipients).toBe(0);
  });

  it('SEGMENT: a dynamic segment live and a static one by its members', async () => {
    const p = await world();
    const dynamic = (await post(p, '/segments', { name: 'Pro', condition: plan('pro') })).json.id;
    expect((await createCampaign(p, { audienceType: 'SEGMENT', segmentId: dynamic })).totalRecipients).toBe(2);
    expect((await createCampaign(p, { audienceType: 'SEGMENT', segmentId: dynamic, type: 'TRANSACTIONAL' })).totalRecipients).toBe(4);

    const fixed = (await post(p, '/segments', { name: 'Picked', type: 'STATIC' })).json.id;
    await post(p, `/segments/${fixed}/members`, { emails: ['ok@x.com', 'unsub@x.com', 'suppressed@x.com', 'free@x.com'] });
    const c = await createCampaign(p, { audienceType: 'SEGMENT', segmentId: fixed });
    expect(c.totalRecipients).toBe(2);
    expect(await recipientsOf(c.id)).toEqual(['free@x.com', 'ok@x.com']);
    expect((await createCampaign(p, { audienceType: 'SEGMENT', segmentId: fixed, type: 'TRANSACTIONAL' })).totalRecipients).toBe(3);
  });

  it('counts only the project\'s own contacts', async () => {
    const p = await world();
    await world();
    expect((await createCampaign(p, { audienceType: 'ALL', type: 'TRANSACTIONAL' })).totalRecipients).toBe(6);
  });

  it('after sending started, leaves out contacts created after the snapshot', async () => {
    const p = await world();
    const c = await createCampaign(p, { audienceType: 'ALL' });
    await t.deps.db.update(campaigns).set({ status: 'SENDING', snapshotAt: new Date() }).where(eq(campaigns.id, c.id));
    await t.deps.db.insert(contacts).values({ projectId: p.id, email: 'late@x.com', createdAt: new Date(Date.now() + 60_000) });
    expect(await recipientsOf(c.id)).toEqual(['free@x.com', 'ok@x.com', 'snooze-over@x.com']);
  });
});

describe('segments used by campaigns', () => {
  const setStatus = (id: string, status: CampaignStatus) => t.deps.db.update(campaigns).set({ status }).where(eq(campaigns.id, id));

  it('cannot be deleted while a draft, scheduled or sending campaign targets them', async () => {
    const p = await world();
    const segment = (await post(p, '/segments', { name: 'Pro', condition: plan('pro') })).json.id;
    const c = await createCampaign(p, { audienceType: 'SEGMENT', segmentId: segment });
    for (const status of ['DRAFT', 'SCHEDULED', 'SENDING'] as const) {
      await setStatus(c.id, status);
      const res = await t.request('DELETE', `/segments/${segment}`, { key: p.secretKey });
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({ code: 'CONFLICT', details: { campaigns: 1 } });
    }
    await setStatus(c.id, 'SENT');
    expect((await t.request('DELETE', `/segments/${segment}`, { key: p.secretKey })).status).toBe(204);
    expect((await t.request('GET', `/campaigns/${c.id}`, { key: p.secretKey })).json.data).toMatchObject({ segmentId: segment, segment: null });
  });

  it('also while a FILTERED draft names them in its condition', async () => {
    const p = await world();
    const segment = (await post(p, '/segments', { name: 'Pro', condition: plan('pro') })).json.id;
    const condition = { logic: 'AND', groups: [{ filters: [{ field: `segment.${segment.toUpperCase()}`, operator: 'memberOfSegment' }] }] };
    const c = await createCampaign(p, { audienceType: 'FILTERED', audienceCondition: condition });
    expect(c.totalRecipients).toBe(2);
    expect((await t.request('DELETE', `/segments/${segment}`, { key: p.secretKey })).status).toBe(409);
    await t.request('DELETE', `/campaigns/${c.id}`, { key: p.secretKey });
    expect((await t.request('DELETE', `/segments/${segment}`, { key: p.secretKey })).status).toBe(204);
  });
});
