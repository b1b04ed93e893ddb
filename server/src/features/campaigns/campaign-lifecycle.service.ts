import { AppError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/client.js';
import type { CampaignRow, CampaignStatus } from '../../db/schema/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { admitCampaign } from '../billing/billing-meter.service.js';
import { countCampaignAudience } from './campaign-audience.js';
import { findCampaignById, lockCampaign } from './campaign-fanout.queries.js';
import * as q from './campaign-lifecycle.queries.js';

// Sending a campaign: schedule, start (audience snapshot + first fan-out job), cancel (notes §4.11).
// The routes (campaign-actions.service.ts) check the request; these do the transitions, each in one
// transaction with the job that acts on it. The fan-out itself is campaign-fanout.service.ts.

export interface LifecycleDeps {
  db: Db;
  queue: JobQueue;
  clock: Clock;
}

export const CAMPAIGN_CANCELLED_REASON = 'Campaign cancelled';
/** Rows per statement when a cancel deletes or fails emails (PGlite: keep transactions short). */
const CANCEL_BATCH = 500;

const audit = (ctx: ProjectActionContext, type: string, row: CampaignRow, summary: string, extra: Record<string, unknown> = {}) => ({
  projectId: row.projectId,
  actor: ctx.actor,
  requestId: ctx.requestId,
  ip: ctx.ip,
  type,
  summary,
  metadata: { campaignId: row.id, ...extra },
});

const named = (row: CampaignRow) => `Campaign "${row.name.slice(0, 120)}"`;

/** `POST /campaigns/:id/send`: now (status SENDING, snapshot, fan-out job) or at `scheduledFor` (SCHEDULED). */
export async function sendCampaign(deps: LifecycleDeps, ctx: ProjectActionContext, campaign: CampaignRow, scheduledFor: Date | null): Promise<{ campaign: CampaignRow; message: string }> {
  if (scheduledFor) {
    const row = await scheduleCampaign(deps, ctx, campaign.id, scheduledFor);
    return { campaign: row, message: `Campaign scheduled for ${scheduledFor.toISOString()}` };
  }
  const row = await startCampaign(deps, ctx, campaign.id, { from: ['DRAFT', 'SCHEDULED'] });
  if (!row) throw new AppError('CONFLICT', 'Campaign has already been sent or is currently sending');
  return { campaign: row, message: 'Campaign is being sent' };
}

/** SCHEDULED + a delayed `campaign.start` job carrying the instant (a job for an older schedule is a no-op). */
async function scheduleCampaign(deps: LifecycleDeps, ctx: ProjectActionContext, id: string, scheduledFor: Date): Promise<CampaignRow> {
  const delaySeconds = Math.max(1, Math.ceil((scheduledFor.getTime() - deps.clock.now().getTime()) / 1000));
  return deps.db.transaction(async (tx) => {
    const row = await q.scheduleCampaignRow(tx, id, scheduledFor);
    if (!row) throw new AppError('CONFLICT', 'Campaign has already been sent or is currently sending');
    await deps.queue.enqueue('campaign.start', { campaignId: id, scheduledFor: scheduledFor.toISOString() }, { tx, startAfterSeconds: delaySeconds });
    await recordActivity(tx, audit(ctx, 'campaign.scheduled', row, `${named(row)} scheduled for ${scheduledFor.toISOString()}`, { scheduledFor: scheduledFor.toISOString() }));
    return row;
  });
}

export interface StartCondition {
  from: CampaignStatus[];
  /** Only start if the campaign is still scheduled for this instant (the start job's check). */
  scheduledFor?: Date;
}

/**
 * Starts sending: the audience is snapshotted at `now` (contacts created later are not included),
 * totalRecipients counted as of the snapshot, and the first fan-out job enqueued — one transaction.
 * Returns null when the campaign is no longer in a state that may start. The whole audience is counted
 * against the campaign billing limit here (429 BILLING_LIMIT_EXCEEDED when it does not fit); a scheduled
 * start that does not fit goes back to DRAFT with an Activity entry instead of retrying forever.
 */
export async function startCampaign(deps: LifecycleDeps, ctx: ProjectActionContext, id: string, cond: StartCondition): Promise<CampaignRow | null> {
  try {
    return await startCampaignTx(deps, ctx, id, cond);
  } catch (err) {
    if (!cond.scheduledFor || !(err instanceof AppError) || err.code !== 'BILLING_LIMIT_EXCEEDED') throw err;
    await deps.db.transaction(async (tx) => {
      const row = await q.revertScheduledToDraft(tx, id);
      if (row) await recordActivity(tx, audit(ctx, 'campaign.start_refused', row, `${named(row)} not started: ${err.message}`, { reason: 'BILLING_LIMIT_EXCEEDED' }));
    });
    return null;
  }
}

async function startCampaignTx(deps: LifecycleDeps, ctx: ProjectActionContext, id: string, cond: StartCondition): Promise<CampaignRow | null> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockCampaign(tx, id);
    if (!current || !cond.from.includes(current.status)) return null;
    if (cond.scheduledFor && current.scheduledFor?.getTime() !== cond.scheduledFor.getTime()) return null;
    const total = await countCampaignAudience(tx, { ...current, status: 'SENDING', snapshotAt: now }, now);
    const row = await q.startCampaignRow(tx, id, cond.from, now, total);
    if (!row) return null;
    await admitCampaign(tx, ctx, total);
    await deps.queue.enqueue('campaign.fan-out', { campaignId: id, after: null }, { tx });
    await recordActivity(tx, audit(ctx, 'campaign.sending', row, `${named(row)} started sending to ${total} recipients`, { totalRecipients: total }));
    return row;
  });
}

/** `campaign.start`: fires at the scheduled instant; does nothing if the campaign was cancelled or rescheduled. */
export async function startScheduledCampaign(deps: LifecycleDeps, payload: { campaignId: string; scheduledFor: string }): Promise<CampaignRow | null> {
  const row = await findCampaignById(deps.db, payload.campaignId);
  if (!row) return null;
  const ctx: ProjectActionContext = { projectId: row.projectId, actor: { type: 'system' } };
  return startCampaign(deps, ctx, row.id, { from: ['SCHEDULED'], scheduledFor: new Date(payload.scheduledFor) });
}

/**
 * `POST /campaigns/:id/cancel` (notes §4.11):
 * - SCHEDULED → DRAFT (scheduled_for cleared; the start job finds nothing to do);
 * - SENDING → CANCELLED at once (the fan-out stops at its next batch, workers fail what they pick up);
 *   then, if no email has left, the rows are deleted and the campaign goes back to DRAFT; otherwise the
 *   PENDING rows end FAILED "Campaign cancelled", in batches, and the sent ones are kept.
 * A CANCELLED campaign whose cleanup was interrupted is finished by running cancel again (or the sweep).
 */
export async function cancelCampaign(deps: LifecycleDeps, ctx: ProjectActionContext, campaign: CampaignRow): Promise<CampaignRow> {
  const id = campaign.id;
  const unscheduled = await deps.db.transaction(async (tx) => {
    const row = await q.revertScheduledToDraft(tx, id);
    if (row) await recordActivity(tx, audit(ctx, 'campaign.cancelled', row, `${named(row)} unscheduled; back to draft`, { revertedToDraft: true }));
    return row;
  });
  if (unscheduled) return unscheduled;

  const now = deps.clock.now();
  const stopped = await deps.db.transaction(async (tx) => {
    // The fan-out holds this lock while it inserts a batch: once we have it, no batch is half-done.
    const current = await lockCampaign(tx, id);
    if (current?.status === 'SENDING') return q.markCampaignCancelled(tx, id, now);
    return current;
  });
  if (!stopped || (stopped.status !== 'CANCELLED' && stopped.status !== 'SENDING')) {
    if (stopped?.status === 'DRAFT') return stopped; // a concurrent cancel already reverted it
    throw new AppError('CONFLICT', 'Can only cancel scheduled or sending campaigns', { status: stopped?.status });
  }

  const reverted = (await q.anyCampaignEmailLeft(deps.db, id)) ? null : await revertToDraft(deps, id, now);
  if (reverted) {
    await recordActivity(deps.db, audit(ctx, 'campaign.cancelled', reverted, `${named(reverted)} cancelled before any email left; back to draft`, { revertedToDraft: true }));
    return reverted;
  }
  let failed = 0;
  for (let n = -1; n !== 0; failed += n) n = await q.failPendingCampaignEmails(deps.db, id, CAMPAIGN_CANCELLED_REASON, CANCEL_BATCH);
  const row = (await findCampaignById(deps.db, id)) ?? stopped;
  await recordActivity(deps.db, audit(ctx, 'campaign.cancelled', row, `${named(row)} cancelled; ${failed} unsent emails will not be sent`, { revertedToDraft: false, failed }));
  return row;
}

/** Deletes the unsent rows in batches, then returns the campaign to DRAFT unless something left meanwhile. */
async function revertToDraft(deps: LifecycleDeps, id: string, now: Date): Promise<CampaignRow | null> {
  while ((await q.deleteUnsentCampaignEmails(deps.db, id, CANCEL_BATCH)) > 0);
  return deps.db.transaction(async (tx) => {
    const current = await lockCampaign(tx, id);
    if (!current || current.status !== 'CANCELLED') return null;
    // A worker that checked the campaign before it was cancelled has its row in SENDING by now.
    if (await q.anyCampaignEmailLeft(tx, id)) return null;
    while ((await q.deleteUnsentCampaignEmails(tx, id, CANCEL_BATCH)) > 0);
    const total = await countCampaignAudience(tx, { ...current, status: 'DRAFT', snapshotAt: null }, now);
    return (await q.revertCancelledToDraft(tx, id, total)) ?? null;
  });
}
