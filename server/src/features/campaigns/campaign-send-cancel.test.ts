import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignEmails, countCampaignEmails, createCampaign, getCampaignRow, seedContacts, waitForStatus } from '../../../test/campaign-fixtures.js';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { campaigns } from '../../db/schema/index.js';
import { runFanOutBatch } from './campaign-fanout.service.js';

// Cancel (notes §4.11) and the global transport rate, on a worker limited to SEND_RATE_PER_SECOND=5 so
// that a campaign stays SENDING long enough to be cancelled half-way.

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;
const RATE = 5;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url, SEND_RATE_PER_SECOND: String(RATE) } });
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const received = (prefix: string) => sink.messages.filter((m) => m.envelopeTo.some((to) => to.startsWith(prefix)));

async function campaignFor(prefix: string, n: number) {
  const p = await t.newProject(`Cancel ${prefix}`);
  const eligible = await seedContacts(t, n, prefix, {}, p.id);
  const id = await createCampaign(t, { name: prefix }, p.secretKey);
  return { id, key: p.secretKey, eligible };
}

describe('before the worker runs', () => {
  it('cancelling a sending campaign before any email left deletes its rows and returns it to DRAFT', async () => {
    const { id, key } = await campaignFor('early', 8);
    expect((await t.request('POST', `/campaigns/${id}/send`, { key, body: {} })).json.data.status).toBe('SENDING');
    await runFanOutBatch(t.deps, id, null);
    expect(await countCampaignEmails(t, id, 'PENDING')).toBe(8);

    const res = await t.request('POST', `/campaigns/${id}/cancel`, { key });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({ status: 'DRAFT', startedAt: null, totalRecipients: 8 });
    expect(await countCampaignEmails(t, id)).toBe(0);
    const row = await getCampaignRow(t, id);
    expect(row).toMatchObject({ snapshotAt: null, fanoutCursor: null, fanoutDone: false });
  });

  it('queued emails of a campaign found CANCELLED end FAILED "Campaign cancelled" without reaching the transport', async () => {
    const { id, key } = await campaignFor('held', 4);
    await t.request('POST', `/campaigns/${id}/send`, { key, body: {} });
    await runFanOutBatch(t.deps, id, null);
    // As a cancel interrupted before it failed the queued rows would leave it.
    await t.deps.db.update(campaigns).set({ status: 'CANCELLED' }).where(eq(campaigns.id, id));
    await t.startWorker();
    await waitFor(async () => (await countCampaignEmails(t, id, 'FAILED')) === 4, 15_000, 'rows to fail');
    const rows = await campaignEmails(t, id);
    expect(rows.every((r) => r.statusReason === 'Campaign cancelled')).toBe(true);
    expect(received('held-')).toHaveLength(0);
  });
});

describe('with the worker running', () => {
  it('cancelling half-way keeps what was sent and fails the rest, and nothing more goes out', async () => {
    await t.startWorker();
    const { id, key } = await campaignFor('half', 30);
    await t.request('POST', `/campaigns/${id}/send`, { key, body: {} });
    await waitFor(async () => received('half-').length >= 5, 20_000, 'some messages');

    const res = await t.request('POST', `/campaigns/${id}/cancel`, { key });
    expect(res.status).toBe(200);
    expect(res.json.data.status).toBe('CANCELLED');
    expect(res.json.data.cancelledAt).not.toBeNull();

    // Emails already handed over when the cancel came settle; then the count stays put.
    await waitFor(async () => (await countCampaignEmails(t, id, 'SENDING')) === 0, 10_000, 'in-flight emails');
    const settled = received('half-').length;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received('half-')).toHaveLength(settled);

    const rows = await campaignEmails(t, id);
    const sent = rows.filter((r) => r.status === 'SENT');
    const failed = rows.filter((r) => r.status === 'FAILED');
    expect(sent.length).toBe(settled);
    expect(failed.length).toBeGreaterThan(0);
    expect(sent.length + failed.length).toBe(rows.length);
    expect(failed.every((r) => r.statusReason === 'Campaign cancelled')).toBe(true);
    expect((await getCampaignRow(t, id)).status).toBe('CANCELLED');

    const again = await t.request('POST', `/campaigns/${id}/cancel`, { key });
    expect(again.status).toBe(409);
  });

  it(`SEND_RATE_PER_SECOND bounds the transport rate (${RATE}/s)`, async () => {
    const { id, key } = await campaignFor('rate', 20);
    const requestedAt = Date.now();
    await t.request('POST', `/campaigns/${id}/send`, { key, body: {} });
    await waitForStatus(t, id, 'SENT', 30_000);
    expect(received('rate-')).toHaveLength(20);
    const lastSentAt = Math.max(...(await campaignEmails(t, id)).map((e) => e.sentAt!.getTime()));
    // The bucket holds at most a twentieth of a second's worth when the send starts; every other token comes
    // at RATE per second (the bound allows a whole second's worth). Measured from the request, so a slow first SMTP connection cannot
    // squeeze the span; a slow machine only makes it longer.
    expect((lastSentAt - requestedAt) / 1000).toBeGreaterThan((20 - RATE) / RATE);
  });

  it('a transactional email does not wait behind a rate-limited campaign', async () => {
    const { id, key } = await campaignFor('slow', 25);
    await t.request('POST', `/campaigns/${id}/send`, { key, body: {} });
    await waitFor(async () => received('slow-').length >= 3, 20_000, 'campaign under way');
    await t.request('POST', '/v1/send', { key, body: { to: 'urgent@example.com', subject: 'Code', body: '<p>123</p>' } });
    await waitFor(async () => received('urgent@').length === 1, 10_000, 'transactional email');
    // The rest of the campaign needs ~4 s at 5/s; the transactional email takes a reserved token, so it
    // arrives while the campaign is still sending (asserted by order, not by wall-clock time).
    expect(received('slow-').length).toBeLessThan(25);
    await waitForStatus(t, id, 'SENT', 30_000);
  }, 90_000);
});
