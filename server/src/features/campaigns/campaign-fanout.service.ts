import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Db, Executor } from '../../db/client.js';
import type { CampaignRow, ProjectRow } from '../../db/schema/index.js';
import { PRIORITY } from '../../jobs/catalog.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity } from '../activity/activity.service.js';
import { findProject } from '../projects/projects.service.js';
import { campaignAudience } from './campaign-audience.js';
import * as q from './campaign-fanout.queries.js';
import { failPendingCampaignEmails } from './campaign-lifecycle.queries.js';
import { CAMPAIGN_CANCELLED_REASON, startCampaign } from './campaign-lifecycle.service.js';

// The crash-safe fan-out (notes §4.11, reliability §5). Each batch is ONE transaction that locks the
// campaign row, inserts up to 500 email rows (unique per contact, `on conflict do nothing`), enqueues
// their `email.send` jobs, saves the checkpoint and enqueues the next batch. A crash before the commit
// changes nothing (pg-boss re-runs the job); after it, the next job carries on from the checkpoint.
// A job whose `after` is not the stored checkpoint is stale (a replay or a sweep's kick) and does nothing.

export const FANOUT_BATCH_SIZE = 500;
/** A SENDING email older than this belongs to a dead worker (delivery.service reclaims it after 150 s). */
const STALE_SENDING_SECONDS = 150;
/**
 * How often a campaign whose fan-out is done is re-checked. The worker finalizes it as its last email
 * settles; this poll is for emails whose worker died (stuck in SENDING past the lease).
 */
const FINALIZE_POLL_SECONDS = 10;
/** A sending campaign whose checkpoint has not moved for this long gets its fan-out job re-enqueued. */
const STALLED_FANOUT_SECONDS = 60;

/**
 * A fan-out fills the job table with thousands of queued `email.send` jobs within seconds; until
 * autovacuum re-analyzes it, the planner believes queued jobs are rare and pg-boss' fetch sorts every
 * queued job instead of reading the first ones from its index, so each fetch costs more as the campaign
 * grows (measured in bench/RESULTS-campaign.md). The fan-out refreshes the statistics itself: on its
 * first batch in this process and every so many after (an ANALYZE samples a bounded number of rows).
 */
const STATISTICS_EVERY_BATCHES = 10;
let fanOutBatches = 0;

export interface FanOutDeps {
  db: Db;
  queue: JobQueue;
  clock: Clock;
  log?: Logger;
}

export interface FanOutOptions {
  batchSize?: number;
  /** Test hook: runs after the batch committed (a throw here is a crash between two batches). */
  afterCommit?: () => void | Promise<void>;
}

export type FanOutResult = 'continued' | 'done' | 'skipped';

/** What the campaign's emails share: its content, and the sender name `/v1/send` would default to. */
function campaignEmailShape(campaign: CampaignRow, project: ProjectRow | undefined): q.CampaignEmailShape {
  return {
    projectId: campaign.projectId,
    campaignId: campaign.id,
    marketing: campaign.type === 'MARKETING',
    fromEmail: campaign.fromEmail,
    fromName: campaign.fromName ?? project?.defaultFromName ?? project?.name ?? null,
    replyTo: campaign.replyTo,
    subject: campaign.subject,
    body: campaign.body,
    templateId: campaign.templateId,
    // billable_units is 1: counted against the campaign limit when the send was admitted (billing admitCampaign), not here.
  };
}

/** `campaign.fan-out`: materialises the batch after checkpoint `after`. Safe to run twice. */
export async function runFanOutBatch(deps: FanOutDeps, campaignId: string, after: string | null, opts: FanOutOptions = {}): Promise<FanOutResult> {
  const batchSize = opts.batchSize ?? FANOUT_BATCH_SIZE;
  const result = await deps.db.transaction(async (tx): Promise<FanOutResult> => {
    const campaign = await q.lockCampaign(tx, campaignId);
    if (!campaign || campaign.status !== 'SENDING' || campaign.fanoutDone || !campaign.snapshotAt) return 'skipped';
    if ((campaign.fanoutCursor ?? null) !== after) return 'skipped';
    const project = await findProject(tx as Db, campaign.projectId);
    // Dynamic audiences are re-evaluated per batch, as of the snapshot (contacts created later never join).
    const where = await campaignAudience(tx, campaign, campaign.snapshotAt);
    const batch = await q.insertFanOutBatch(tx, where, after, batchSize, campaignEmailShape(campaign, project));
    await deps.queue.enqueueMany('email.send', batch.emailIds.map((emailId) => ({ emailId })), { tx, priority: PRIORITY.campaign });
    const done = batch.size < batchSize;
    const cursor = batch.lastContactId ?? after;
    await q.advanceFanOut(tx, campaignId, cursor, done);
    if (done) await deps.queue.enqueue('campaign.finalize', { campaignId }, { tx, startAfterSeconds: 1 });
    else await deps.queue.enqueue('campaign.fan-out', { campaignId, after: cursor }, { tx });
    return done ? 'done' : 'continued';
  });
  await opts.afterCommit?.();
  if (result !== 'skipped' && ++fanOutBatches % STATISTICS_EVERY_BATCHES === 1) await deps.queue.refreshStatistics();
  // Every email may have settled already (or there were none): no need to wait for the finalize job.
  if (result === 'done') await finalizeCampaignIfDone(deps.db, campaignId, deps.clock.now());
  return result;
}

/**
 * Asked by the delivery worker for a campaign email it claimed: why it must not be sent (FAILED with
 * this reason), or null while the campaign is SENDING.
 */
export async function campaignHoldReason(db: Executor, campaignId: string): Promise<string | null> {
  const status = await q.findCampaignStatus(db, campaignId);
  if (status === 'SENDING') return null;
  if (status === 'CANCELLED') return CAMPAIGN_CANCELLED_REASON;
  return status ? `Campaign is ${status.toLowerCase()}` : 'Campaign was deleted';
}

export type FinalizeResult = 'sent' | 'waiting' | 'not-sending';

/**
 * SENT once the fan-out is done and every email has settled. While waiting, emails stuck in SENDING past
 * the lease (their worker was killed) get a fresh `email.send` job, so the campaign cannot hang on them.
 */
export async function finalizeCampaign(deps: FanOutDeps, campaignId: string): Promise<FinalizeResult> {
  if (await finalizeCampaignIfDone(deps.db, campaignId, deps.clock.now())) return 'sent';
  const campaign = await q.findCampaignById(deps.db, campaignId);
  if (!campaign || campaign.status !== 'SENDING') return 'not-sending';
  if (campaign.fanoutDone) await requeueStaleSending(deps, campaignId);
  return 'waiting';
}

/**
 * SENDING → SENT when the fan-out is done and nothing is PENDING or SENDING; called by the delivery
 * worker after each campaign email settles, so a campaign ends as soon as its last email does.
 */
export async function finalizeCampaignIfDone(db: Db, campaignId: string, now?: Date): Promise<boolean> {
  // Runs after every campaign email: while others are still in flight (nearly always), one plain read
  // answers, instead of a BEGIN/UPDATE/COMMIT round trip each. Each caller reads after its own email
  // settled, so the last one to settle still sees the campaign finalizable; the UPDATE re-checks.
  if (!(await q.isCampaignFinalizable(db, campaignId))) return false;
  return db.transaction(async (tx) => {
    const row = await q.finalizeCampaignRow(tx, campaignId, now);
    if (!row) return false;
    await recordActivity(tx, {
      projectId: row.projectId,
      actor: { type: 'system' },
      type: 'campaign.sent',
      summary: `Campaign "${row.name.slice(0, 120)}" sent to ${row.totalRecipients} recipients`,
      metadata: { campaignId: row.id, totalRecipients: row.totalRecipients },
    });
    return true;
  });
}

async function requeueStaleSending(deps: FanOutDeps, campaignId: string) {
  const stale = await q.listStaleSendingEmails(deps.db, campaignId, STALE_SENDING_SECONDS, 500);
  await deps.queue.enqueueMany('email.send', stale.map((emailId) => ({ emailId })), { priority: PRIORITY.campaign });
  if (stale.length) deps.log?.warn({ campaignId, count: stale.length }, 'campaign emails stuck in SENDING re-queued');
}

/** `campaign.finalize` for one campaign: finalizes, or checks again in a moment while mail is in flight. */
export async function finalizeOrWait(deps: FanOutDeps, campaignId: string): Promise<FinalizeResult> {
  const result = await finalizeCampaign(deps, campaignId);
  if (result === 'waiting') {
    const campaign = await q.findCampaignById(deps.db, campaignId);
    // Until the fan-out is done, its last batch enqueues the finalizer itself.
    if (campaign?.fanoutDone) await deps.queue.enqueue('campaign.finalize', { campaignId }, { startAfterSeconds: FINALIZE_POLL_SECONDS });
  }
  return result;
}

/**
 * The periodic `campaign.finalize` sweep (every minute), the safety net behind the job chains: starts
 * scheduled campaigns whose start job was lost, re-kicks fan-outs that stopped moving, finalizes finished
 * campaigns, re-queues emails stuck in SENDING and fails the PENDING rows an interrupted cancel left.
 */
export async function sweepCampaigns(deps: FanOutDeps): Promise<void> {
  const now = deps.clock.now();
  const list = await q.listCampaignsToSweep(deps.db, new Date(now.getTime() - 60_000), STALLED_FANOUT_SECONDS);
  for (const c of list) {
    try {
      if (c.status === 'SCHEDULED' && c.scheduledFor) {
        await startCampaign(deps, { projectId: c.projectId, actor: { type: 'system' } }, c.id, { from: ['SCHEDULED'], scheduledFor: c.scheduledFor });
      } else if (!c.fanoutDone) {
        if (c.stalled) {
          await deps.queue.enqueue('campaign.fan-out', { campaignId: c.id, after: c.fanoutCursor });
          deps.log?.warn({ campaignId: c.id }, 'campaign fan-out made no progress for a minute; batch job re-enqueued');
        }
      } else {
        await finalizeCampaign(deps, c.id);
      }
    } catch (err) {
      deps.log?.error({ err, campaignId: c.id }, 'campaign sweep failed for one campaign');
    }
  }
  for (const id of await q.listCancelledWithPending(deps.db)) {
    while ((await failPendingCampaignEmails(deps.db, id, CAMPAIGN_CANCELLED_REASON, 500)) > 0);
  }
}
