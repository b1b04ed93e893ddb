import { AppError } from '../../core/errors.js';
import type { Executor } from '../../db/client.js';
import type { BillingCategory } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { WARNING_RATIO, limitMessage, percentOf } from './billing-period.js';
import { currentUnits, insertNotice, reserveUnits } from './billing.queries.js';

// The send paths' side of billing, always inside the transaction that accepts the email(s): a refusal
// throws (or reports) before commit, so nothing of the request is left half-written.

export type MeterResult = { ok: true } | { ok: false; message: string };

/**
 * Counts `units` of `category` for this month if the category has a limit. Within it → ok (and the
 * 80 % / limit notices when this send crossed them); over it → the refusal message. Without a limit
 * this is one primary-key read and no write.
 */
export async function meterUnits(tx: Executor, ctx: ProjectActionContext, category: BillingCategory, units: number): Promise<MeterResult> {
  if (units <= 0) return { ok: true };
  const r = await reserveUnits(tx, ctx.projectId, category, units);
  if (r.limit === null) return { ok: true };
  if (r.units === null) return { ok: false, message: limitMessage(category, await currentUnits(tx, ctx.projectId, category), r.limit) };
  await recordNotices(tx, ctx, category, r.units, r.limit);
  return { ok: true };
}

/** meterUnits for request paths: over the limit → 429 BILLING_LIMIT_EXCEEDED, which rolls the request back. */
export async function assertWithinLimit(tx: Executor, ctx: ProjectActionContext, category: BillingCategory, units: number): Promise<void> {
  const result = await meterUnits(tx, ctx, category, units);
  if (!result.ok) throw new AppError('BILLING_LIMIT_EXCEEDED', result.message, { category });
}

/**
 * Admits a campaign of `recipients` emails: all of them are counted now, so two campaigns started at
 * once cannot both fit into the same remainder; the fan-out then writes them without counting again.
 */
export async function admitCampaign(tx: Executor, ctx: ProjectActionContext, recipients: number): Promise<void> {
  if (recipients <= 0) return;
  const r = await reserveUnits(tx, ctx.projectId, 'campaign', recipients);
  if (r.limit === null) return;
  if (r.units === null) {
    const before = await currentUnits(tx, ctx.projectId, 'campaign');
    throw new AppError(
      'BILLING_LIMIT_EXCEEDED',
      `${limitMessage('campaign', before, r.limit)}; this campaign has ${recipients} recipients and ${Math.max(0, r.limit - before)} remain this month`,
      { category: 'campaign', recipients },
    );
  }
  await recordNotices(tx, ctx, 'campaign', r.units, r.limit);
}

/** One `billing.limit_warning` at 80 % and one `billing.limit_reached` at the limit, per category and month. */
export async function recordNotices(tx: Executor, ctx: ProjectActionContext, category: BillingCategory, usage: number, limit: number): Promise<void> {
  const levels: { level: 'warning' | 'limit'; type: string; summary: string }[] = [];
  if (usage >= limit * WARNING_RATIO) {
    levels.push({ level: 'warning', type: 'billing.limit_warning', summary: `${category} emails reached ${percentOf(usage, limit)}% of the monthly limit (${usage}/${limit})` });
  }
  if (usage >= limit) {
    levels.push({ level: 'limit', type: 'billing.limit_reached', summary: `${category} emails reached the monthly limit (${usage}/${limit}); further sends are refused` });
  }
  for (const l of levels) {
    if (!(await insertNotice(tx, ctx.projectId, category, l.level))) continue;
    await recordActivity(tx, {
      projectId: ctx.projectId,
      actor: ctx.actor,
      requestId: ctx.requestId,
      ip: ctx.ip,
      type: l.type,
      summary: l.summary,
      metadata: { category, usage, limit, percentage: percentOf(usage, limit) },
    });
  }
}
