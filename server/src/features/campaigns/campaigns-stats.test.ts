import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { campaigns, contacts, emails, events } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { percentOf } from './campaign-stats.service.js';

// GET /campaigns/:id/stats and /recipients, computed from email rows seeded with a campaign_id (the
// fan-out's rows look the same) and the unsubscribe events attributed to them.

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

type EmailSeed = Partial<typeof emails.$inferInsert>;
const T0 = Date.UTC(2030, 0, 1);
const minute = (n: number) => new Date(T0 + n * 60_000);

async function newCampaign(p: ProjectWithKeys) {
  const res = await t.request('POST', '/campaigns', { key: p.secretKey, body: { name: 'Stats', subject: 's', body: 'b', audienceType: 'ALL' } });
  expect(res.status, res.body).toBe(201);
  await t.deps.db.update(campaigns).set({ status: 'SENT', totalRecipients: 11 }).where(eq(campaigns.id, res.json.data.id));
  return res.json.data.id as string;
}

/** One contact and one email row per seed, in order; returns the email ids. */
async function seedEmails(p: ProjectWithKeys, campaignId: string | null, seeds: EmailSeed[]): Promise<{ emailId: string; contactId: string }[]> {
  const out = [];
  for (const [i, s] of seeds.entries()) {
    const email = `r${i}-${Math.random().toString(36).slice(2, 8)}@x.com`;
    const [c] = await t.deps.db.insert(contacts).values({ projectId: p.id, email }).returning();
    const [m] = await t.deps.db
      .insert(emails)
      .values({ projectId: p.id, contactId: c.id, campaignId, toEmail: email, fromEmail: 'news@x.com', subject: 's', body: 'b', renderData: {}, status: 'SENT', createdAt: minute(i), ...s })
      .returning();
    out.push({ emailId: m.id, contactId: c.id });
  }
  return out;
}

const sent = { status: 'SENT' as const, sentAt: minute(100) };
const delivered = { ...sent, status: 'DELIVERED' as const, deliveredAt: minute(101) };

async function unsubscribe(p: ProjectWithKeys, who: { emailId: string | null; contactId: string }) {
  await t.deps.db.insert(events).values({ projectId: p.id, contactId: who.contactId, emailId: who.emailId, name: 'contact.unsubscribed' });
}

describe('GET /campaigns/:id/stats', () => {
  it('derives counts and rates (percent of sent) from the campaign\'s own rows', async () => {
    const p = await t.newProject();
    const id = await newCampaign(p);
    const rows = await seedEmails(p, id, [
      { ...delivered, opens: 3, humanOpens: 1, openedAt: minute(102), clicks: 2, humanClicks: 1, clickedAt: minute(103) },
      { ...delivered, opens: 1 },
      { ...delivered },
      { ...delivered, clicks: 1 },
      { ...sent, status: 'BOUNCED', bouncedAt: minute(110), bounceType: 'HARD' }, // bounced after acceptance (SES)
      { status: 'BOUNCED', bouncedAt: minute(111), bounceType: 'HARD' }, // refused at handoff: no sent_at
      { ...sent, status: 'COMPLAINED', complainedAt: minute(120) },
      { status: 'SUPPRESSED' },
      { status: 'FAILED' },
      { status: 'PENDING' },
      { status: 'SENDING' },
    ]);
    // Attributed unsubscribes count once per contact; unattributed and other campaigns' do not.
    await unsubscribe(p, rows[1]);
    await unsubscribe(p, rows[1]);
    await unsubscribe(p, { emailId: null, contactId: rows[2].contactId });
    const other = await seedEmails(p, await newCampaign(p), [{ ...delivered, opens: 5, humanOpens: 5 }]);
    await unsubscribe(p, other[0]);
    await seedEmails(p, null, [{ ...delivered, opens: 1, humanOpens: 1 }]); // e.g. a test send

    const res = await t.request('GET', `/campaigns/${id}/stats`, { key: p.secretKey });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: true,
      data: {
        totalRecipients: 11,
        sentCount: 7,
        deliveredCount: 4,
        openedCount: 2,
        humanOpenedCount: 1,
        clickedCount: 2,
        humanClickedCount: 1,
        bouncedCount: 2,
        complainedCount: 1,
        unsubscribedCount: 1,
        suppressedCount: 1,
        failedCount: 1,
        openRate: 28.57,
        humanOpenRate: 14.29,
        clickRate: 28.57,
        humanClickRate: 14.29,
        bounceRate: 28.57,
        deliveryRate: 57.14,
        complaintRate: 14.29,
        unsubscribeRate: 14.29,
      },
    });
  });

  it('answers zeros before anything is sent', async () => {
    const p = await t.newProject();
    const id = await newCampaign(p);
    await seedEmails(p, id, [{ status: 'PENDING' }]);
    const stats = (await t.request('GET', `/campaigns/${id}/stats`, { key: p.secretKey })).json.data;
    expect(stats).toMatchObject({ sentCount: 0, openRate: 0, bounceRate: 0, deliveryRate: 0, unsubscribeRate: 0 });
  });

  it('never reports a rate above 100 %', () => {
    expect(percentOf(3, 2)).toBe(100);
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(5, 0)).toBe(0);
  });
});

describe('GET /campaigns/:id/recipients', () => {
  async function pages(p: ProjectWithKeys, id: string, query: string) {
    const seen: { emailId: string; occurredAt: string }[] = [];
    let cursor: string | null = null;
    let total = -1;
    do {
      const res: { status: number; json: any } = await t.request('GET', `/campaigns/${id}/recipients?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: p.secretKey });
      expect(res.status).toBe(200);
      seen.push(...res.json.data);
      total = res.json.total;
      expect(res.json.hasMore).toBe(res.json.cursor !== null);
      cursor = res.json.cursor;
    } while (cursor);
    return { seen, total };
  }

  it('pages through all recipients newest first, ties broken by id, without skips or repeats', async () => {
    const p = await t.newProject();
    const id = await newCampaign(p);
    const rows = await seedEmails(p, id, Array.from({ length: 7 }, (_, i) => ({ createdAt: minute(i < 4 ? 5 : i) })));
    const { seen, total } = await pages(p, id, 'limit=2');
    expect(total).toBe(7);
    expect(seen.map((r) => r.emailId).sort()).toEqual(rows.map((r) => r.emailId).sort());
    const keys = seen.map((r) => r.occurredAt);
    expect([...keys].sort().reverse()).toEqual(keys);
    expect(seen[0].occurredAt).toBe(minute(6).toISOString());
  });

  it('lists bounced and complained recipients by when it happened, with their details', async () => {
    const p = await t.newProject();
    const id = await newCampaign(p);
    const rows = await seedEmails(p, id, [
      { ...sent, status: 'BOUNCED', bouncedAt: minute(50), bounceType: 'HARD', statusReason: '550 no such user' },
      { ...delivered },
      { ...sent, status: 'BOUNCED', bouncedAt: minute(60), bounceType: 'HARD' },
      { ...sent, status: 'COMPLAINED', complainedAt: minute(70) },
    ]);
    const bounced = await pages(p, id, 'type=bounced&limit=1');
    expect(bounced.total).toBe(2);
    expect(bounced.seen.map((r) => r.emailId)).toEqual([rows[2].emailId, rows[0].emailId]);
    expect(bounced.seen[1]).toMatchObject({ occurredAt: minute(50).toISOString(), bounceType: 'HARD', reason: '550 no such user', status: 'BOUNCED', contactId: rows[0].contactId });
    const complained = await pages(p, id, 'type=complained');
    expect(complained.seen.map((r) => r.emailId)).toEqual([rows[3].emailId]);
    expect(complained.seen[0].occurredAt).toBe(minute(70).toISOString());
  });

  it('refuses cursors of another listing, campaign or project (400) and unknown types (422)', async () => {
    const p = await t.newProject();
    const id = await newCampaign(p);
    const otherId = await newCampaign(p);
    await seedEmails(p, id, [{}, {}, { ...sent, status: 'BOUNCED', bouncedAt: minute(9) }, { ...sent, status: 'BOUNCED', bouncedAt: minute(8) }]);
    const all = (await t.request('GET', `/campaigns/${id}/recipients?limit=1`, { key: p.secretKey })).json.cursor;
    const bounced = (await t.request('GET', `/campaigns/${id}/recipients?type=bounced&limit=1`, { key: p.secretKey })).json.cursor;
    const q = (url: string, key = p.secretKey) => t.request('GET', url, { key });
    for (const url of [`/campaigns/${id}/recipients?cursor=${encodeURIComponent(bounced)}`, `/campaigns/${otherId}/recipients?cursor=${encodeURIComponent(all)}`, `/campaigns/${id}/recipients?cursor=junk`]) {
      const res = await q(url);
      expect(res.status, url).toBe(400);
      expect(res.json.error.code).toBe('BAD_REQUEST');
    }
    expect((await q(`/campaigns/${id}/recipients?type=opened`)).status).toBe(422);
    expect((await q(`/campaigns/${id}/recipients?limit=101`)).status).toBe(422);
  });
});
