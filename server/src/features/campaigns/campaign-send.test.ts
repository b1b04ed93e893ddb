import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignEmails, countCampaignEmails, createCampaign, getCampaignRow, messagesPerRecipient, seedContacts, waitForStatus } from '../../../test/campaign-fixtures.js';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { activities } from '../../db/schema/index.js';

// Sending a campaign end to end: HTTP → fan-out job → delivery worker → SMTP sink.

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;
// The application's clock runs an hour ahead of the wall clock: schedules must follow it, not Date.now().
const OFFSET_MS = 3_600_000;
const clock = { now: () => new Date(Date.now() + OFFSET_MS) };

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url }, clock });
  await t.startWorker();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const received = (prefix: string) => sink.messages.filter((m) => m.envelopeTo.some((to) => to.startsWith(prefix)));

describe('sending a campaign now', () => {
  it('delivers exactly one message to each eligible contact and ends SENT', async () => {
    const eligible = await seedContacts(t, 30, 'now', { unsubscribed: 4, suppressed: 3 });
    const id = await createCampaign(t, { name: 'Now' });
    const res = await t.request('POST', `/campaigns/${id}/send`, { body: {} });
    expect(res.status).toBe(200);
    expect(res.json.message).toBe('Campaign is being sent');
    expect(res.json.data.status).toBe('SENDING');
    expect(res.json.data.totalRecipients).toBe(30);

    const done = await waitForStatus(t, id, 'SENT');
    expect(done.completedAt).not.toBeNull();
    expect(done.fanoutDone).toBe(true);
    expect(done.totalRecipients).toBe(30);

    const perRecipient = messagesPerRecipient(received('now-'));
    expect([...perRecipient.keys()].sort()).toEqual(eligible);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    const first = received('now-00003@')[0].parsed;
    expect(first.subject).toBe('Hello N3');
    expect(received('now-00003@')[0].raw).toMatch(/^List-Unsubscribe:/im);

    const rows = await campaignEmails(t, id);
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === 'SENT' && r.sourceType === 'CAMPAIGN' && r.marketing)).toBe(true);

    const stats = await t.request('GET', `/campaigns/${id}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.json.data).toMatchObject({ totalRecipients: 30, sentCount: 30 });

    const audit = await t.deps.db.select().from(activities).where(and(eq(activities.projectId, t.project.id)));
    const types = audit.filter((a) => (a.metadata as { campaignId?: string } | null)?.campaignId === id).map((a) => a.type);
    expect(types).toEqual(expect.arrayContaining(['campaign.sending', 'campaign.sent']));
  });

  it('reaches unsubscribed contacts with a TRANSACTIONAL campaign, but never suppressed addresses', async () => {
    const p = await t.newProject('Transactional campaign');
    const eligible = await seedContacts(t, 3, 'txc', { unsubscribed: 2, suppressed: 1 }, p.id);
    const id = await createCampaign(t, { name: 'Notice', type: 'TRANSACTIONAL' }, p.secretKey);
    const res = await t.request('POST', `/campaigns/${id}/send`, { key: p.secretKey, body: {} });
    expect(res.json.data.totalRecipients).toBe(5);
    await waitForStatus(t, id, 'SENT');
    const got = [...messagesPerRecipient(received('txc-')).keys()].sort();
    expect(got).toEqual([...eligible, 'txc-unsub-0@example.com', 'txc-unsub-1@example.com'].sort());
    expect(received('txc-00000@')[0].raw).not.toMatch(/^List-Unsubscribe:/im);
  });
});

describe('scheduling', () => {
  it('starts at the scheduled instant of the application clock', async () => {
    await seedContacts(t, 5, 'atime');
    const id = await createCampaign(t, { name: 'Later', audienceType: 'FILTERED', audienceCondition: filterByPrefix('atime-') });
    const when = new Date(clock.now().getTime() + 2_000);
    const res = await t.request('POST', `/campaigns/${id}/send`, { body: { scheduledFor: when.toISOString() } });
    expect(res.status).toBe(200);
    expect(res.json.message).toBe(`Campaign scheduled for ${when.toISOString()}`);
    expect(res.json.data).toMatchObject({ status: 'SCHEDULED', scheduledFor: when.toISOString() });
    expect(await countCampaignEmails(t, id)).toBe(0);

    // The delay is derived from the application clock (an hour ahead), so it fires ~2 s from now.
    const sent = await waitForStatus(t, id, 'SENT', 20_000);
    expect(sent.snapshotAt!.getTime()).toBeGreaterThanOrEqual(when.getTime());
    expect(sent.snapshotAt!.getTime()).toBeLessThan(when.getTime() + 15_000);
    expect(received('atime-')).toHaveLength(5);
  });

  it('cancelling a scheduled campaign returns it to DRAFT and the start job then does nothing', async () => {
    await seedContacts(t, 3, 'unsch');
    const id = await createCampaign(t, { name: 'Never', audienceType: 'FILTERED', audienceCondition: filterByPrefix('unsch-') });
    const when = new Date(clock.now().getTime() + 1_500);
    await t.request('POST', `/campaigns/${id}/send`, { body: { scheduledFor: when.toISOString() } });
    const res = await t.request('POST', `/campaigns/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ status: 'DRAFT', scheduledFor: null });

    // Past the instant (the job has fired by then): still a draft, nothing queued or received.
    await new Promise((r) => setTimeout(r, 3_500));
    const row = await getCampaignRow(t, id);
    expect(row.status).toBe('DRAFT');
    expect(await countCampaignEmails(t, id)).toBe(0);
    expect(received('unsch-')).toHaveLength(0);
  });

  it('a rescheduled campaign starts at the new instant only', async () => {
    await seedContacts(t, 2, 'moved');
    const id = await createCampaign(t, { name: 'Moved', audienceType: 'FILTERED', audienceCondition: filterByPrefix('moved-') });
    const first = new Date(clock.now().getTime() + 1_000);
    const second = new Date(clock.now().getTime() + 4_000);
    await t.request('POST', `/campaigns/${id}/send`, { body: { scheduledFor: first.toISOString() } });
    const res = await t.request('POST', `/campaigns/${id}/send`, { body: { scheduledFor: second.toISOString() } });
    expect(res.json.data.scheduledFor).toBe(second.toISOString());
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await getCampaignRow(t, id)).status).toBe('SCHEDULED');
    const sent = await waitForStatus(t, id, 'SENT', 20_000);
    expect(sent.snapshotAt!.getTime()).toBeGreaterThanOrEqual(second.getTime());
    await waitFor(async () => received('moved-').length === 2, 10_000, 'two messages');
  });
});

function filterByPrefix(prefix: string) {
  return { logic: 'AND', groups: [{ filters: [{ field: 'email', operator: 'contains', value: prefix }] }] };
}
