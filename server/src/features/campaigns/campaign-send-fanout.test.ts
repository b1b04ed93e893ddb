import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignEmails, countCampaignEmails, createCampaign, getCampaignRow, messagesPerRecipient, seedContacts, waitForStatus } from '../../../test/campaign-fixtures.js';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { startSmtpSink } from '../../../test/smtp-sink.js';
import { queryRows } from '../../db/client.js';
import { campaigns, contacts, emails } from '../../db/schema/index.js';
import { finalizeCampaign, runFanOutBatch } from './campaign-fanout.service.js';

// The fan-out's crash safety: replayed batches, a crash between batches, the audience snapshot, stuck
// SENDING rows, and transactional mail overtaking a big campaign.

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sink: Sink;
let t: TestContext;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestContext({ env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url } });
  await t.startWorker();
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const received = (prefix: string) => sink.messages.filter((m) => m.envelopeTo.some((to) => to.startsWith(prefix)));

/** A campaign of its own project, SENDING with its snapshot taken but no fan-out job yet (we drive it). */
async function sendingCampaignWithoutJob(prefix: string, n: number) {
  const p = await t.newProject(`Fan-out ${prefix}`);
  const eligible = await seedContacts(t, n, prefix, {}, p.id);
  const id = await createCampaign(t, { name: prefix }, p.secretKey);
  await t.deps.db.update(campaigns).set({ status: 'SENDING', snapshotAt: sql`now()`, startedAt: sql`now()`, totalRecipients: n }).where(eq(campaigns.id, id));
  return { id, eligible };
}

/** `email.send` jobs ever enqueued for the campaign's emails. */
async function countSendJobs(campaignId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    t.deps.db,
    sql`select count(*)::int as n from pgboss.job where name = 'email.send' and data->>'emailId' in (select id::text from emails where campaign_id = ${campaignId})`,
  );
  return Number(row.n);
}

function expectOneEach(prefix: string, eligible: string[]) {
  const per = messagesPerRecipient(received(prefix));
  expect([...per.keys()].sort()).toEqual(eligible);
  expect([...per.values()].every((n) => n === 1)).toBe(true);
}

describe('campaign fan-out', () => {
  it('replaying a batch for the same checkpoint creates no duplicate rows or messages', async () => {
    const { id, eligible } = await sendingCampaignWithoutJob('replay', 25);
    expect(await runFanOutBatch(t.deps, id, null, { batchSize: 10 })).toBe('continued');
    expect(await countCampaignEmails(t, id)).toBeGreaterThanOrEqual(10);
    // The same job again (pg-boss retry, or a duplicate): the stored checkpoint has moved on.
    expect(await runFanOutBatch(t.deps, id, null, { batchSize: 10 })).toBe('skipped');
    await waitForStatus(t, id, 'SENT');
    expect(await countCampaignEmails(t, id)).toBe(25);
    expectOneEach('replay-', eligible);
  });

  it('a batch re-run after a lost checkpoint inserts nothing, thanks to the unique (campaign, contact) key', async () => {
    const { id, eligible } = await sendingCampaignWithoutJob('lostcp', 12);
    expect(await runFanOutBatch(t.deps, id, null)).toBe('done');
    await waitForStatus(t, id, 'SENT');
    const jobs = await countSendJobs(id);
    expect(jobs).toBe(12);
    // Pretend the checkpoint was never saved and run the whole fan-out again.
    await t.deps.db.update(campaigns).set({ status: 'SENDING', fanoutCursor: null, fanoutDone: false }).where(eq(campaigns.id, id));
    expect(await runFanOutBatch(t.deps, id, null)).toBe('done');
    expect(await countSendJobs(id)).toBe(jobs);
    await waitForStatus(t, id, 'SENT');
    expect(await countCampaignEmails(t, id)).toBe(12);
    await new Promise((r) => setTimeout(r, 300));
    expectOneEach('lostcp-', eligible);
  });

  it('a crash after a batch committed resumes from the checkpoint without duplicates', async () => {
    const { id, eligible } = await sendingCampaignWithoutJob('crash', 35);
    const crash = () => {
      throw new Error('worker killed between batches');
    };
    await expect(runFanOutBatch(t.deps, id, null, { batchSize: 10, afterCommit: crash })).rejects.toThrow('worker killed');
    const checkpoint = (await getCampaignRow(t, id)).fanoutCursor;
    expect(checkpoint).not.toBeNull();
    // pg-boss re-runs the crashed job: a no-op, since the batch it carried is committed.
    await t.deps.queue.enqueue('campaign.fan-out', { campaignId: id, after: null });
    const done = await waitForStatus(t, id, 'SENT');
    expect(done.totalRecipients).toBe(35);
    expect(await countCampaignEmails(t, id)).toBe(35);
    await new Promise((r) => setTimeout(r, 300));
    expectOneEach('crash-', eligible);
  });

  it('contacts created after the snapshot are not recipients', async () => {
    const { id, eligible } = await sendingCampaignWithoutJob('snap', 4);
    const row = await getCampaignRow(t, id);
    const later = new Date(row.snapshotAt!.getTime() + 1_000);
    await t.deps.db.insert(contacts).values({ projectId: row.projectId, email: 'snap-late@example.com', createdAt: later });
    await runFanOutBatch(t.deps, id, null);
    await waitForStatus(t, id, 'SENT');
    expect((await campaignEmails(t, id)).map((e) => e.toEmail).sort()).toEqual(eligible);
  });

  it('an email stuck in SENDING after its worker died is sent again with the same Message-ID', async () => {
    const { id } = await sendingCampaignWithoutJob('stuck', 2);
    await runFanOutBatch(t.deps, id, null);
    await waitForStatus(t, id, 'SENT');
    const [victim] = await campaignEmails(t, id);
    // As left by kill -9 between the SMTP handoff and the SENT update, longer ago than the lease.
    await t.deps.db.update(emails).set({ status: 'SENDING', sendingAt: sql`now() - interval '10 minutes'` }).where(eq(emails.id, victim.id));
    await t.deps.db.update(campaigns).set({ status: 'SENDING' }).where(eq(campaigns.id, id));
    expect(await finalizeCampaign(t.deps, id)).toBe('waiting');
    await waitForStatus(t, id, 'SENT');
    const copies = received(victim.toEmail);
    expect(copies).toHaveLength(2);
    expect(copies[1].parsed.messageId).toBe(copies[0].parsed.messageId);
  });
});

describe('priorities', () => {
  it('a transactional email sent during a big campaign is delivered before the campaign tail', async () => {
    const p = await t.newProject('Big campaign');
    await seedContacts(t, 600, 'big', {}, p.id);
    const id = await createCampaign(t, { name: 'Big' }, p.secretKey);
    await t.request('POST', `/campaigns/${id}/send`, { key: p.secretKey, body: {} });
    await waitFor(async () => received('big-').length >= 40, 20_000, 'campaign under way');
    const res = await t.request('POST', '/v1/send', { key: p.secretKey, body: { to: 'vip@example.com', subject: 'Reset', body: '<p>code</p>' } });
    expect(res.status).toBe(200);
    await waitForStatus(t, id, 'SENT', 60_000);
    await waitFor(async () => received('vip@').length === 1, 10_000, 'transactional email');
    const order = sink.messages.filter((m) => m.envelopeTo.some((to) => to.startsWith('big-') || to === 'vip@example.com'));
    const position = order.findIndex((m) => m.envelopeTo.includes('vip@example.com'));
    // Only the campaign emails already in the workers' hands (4 loops × 20) can get ahead of it.
    expect(order.length - position).toBeGreaterThan(150);
  }, 120_000);
});
