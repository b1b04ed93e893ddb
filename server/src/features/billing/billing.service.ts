import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Db, Executor } from '../../db/client.js';
import type { BillingCategory, BillingLimitRow } from '../../db/schema/index.js';
import type { ActionContext } from '../activity/activity.service.js';
import { requireMembership, type UserActionContext } from '../projects/membership.service.js';
import { recordNotices } from './billing-meter.service.js';
import {
  BILLING_CATEGORIES,
  CATEGORY_OF_SOURCE,
  SOURCE_OF_CATEGORY,
  WARNING_RATIO,
  daysUpTo,
  parsePeriod,
  percentOf,
  periodOf,
  type BillingPeriod,
} from './billing-period.js';
import * as q from './billing.queries.js';

export interface BillingDeps {
  db: Db;
  clock: Clock;
  log?: Logger;
}

type Usage = Record<BillingCategory, number>;
const zeroUsage = (): Usage => ({ transactional: 0, campaign: 0, workflow: 0, inbound: 0 });

/** Usage per category and per day from the email rows of the period (inbound: always 0, no mail is received yet). */
async function usageOf(db: Executor, projectId: string, period: BillingPeriod, now: Date) {
  const rows = await q.usageByDay(db, projectId, period.start, period.end);
  const usage = zeroUsage();
  const byDay = new Map<string, Usage>();
  for (const r of rows) {
    const category = CATEGORY_OF_SOURCE[r.sourceType as keyof typeof CATEGORY_OF_SOURCE];
    if (!category) continue;
    usage[category] += r.units;
    const day = byDay.get(r.day) ?? zeroUsage();
    day[category] += r.units;
    byDay.set(r.day, day);
  }
  const daily = daysUpTo(period, now).map((date) => ({ date, ...(byDay.get(date) ?? zeroUsage()) }));
  return { usage, daily };
}

/** GET …/billing-consumption (any member): usage of one month (default: this one) per category and day. */
export async function getConsumption(deps: BillingDeps, ctx: UserActionContext, projectId: string, periodKey?: string) {
  await requireMembership(deps.db, projectId, ctx.actor.id);
  const now = deps.clock.now();
  const period = parsePeriod(periodKey, now);
  const { usage, daily } = await usageOf(deps.db, projectId, period, now);
  const total = BILLING_CATEGORIES.reduce((sum, c) => sum + usage[c], 0);
  return {
    period: { key: period.key, start: period.start.toISOString(), end: period.end.toISOString() },
    usage: { ...usage, total },
    daily,
  };
}

function limitsView(limits: BillingLimitRow | undefined, usage: Usage) {
  const entry = (c: BillingCategory) => {
    const limit = limits?.[c] ?? null;
    const used = usage[c];
    return {
      limit,
      usage: used,
      percentage: limit === null ? 0 : percentOf(used, limit),
      isWarning: limit !== null && used >= limit * WARNING_RATIO,
      isBlocked: limit !== null && used >= limit,
    };
  };
  return { transactional: entry('transactional'), campaign: entry('campaign'), workflow: entry('workflow'), inbound: entry('inbound') };
}

async function currentLimitsView(deps: BillingDeps, projectId: string) {
  const now = deps.clock.now();
  const [limits, { usage }] = await Promise.all([q.findLimits(deps.db, projectId), usageOf(deps.db, projectId, periodOf(now), now)]);
  return limitsView(limits, usage);
}

/** GET …/billing-limits (any member): this month's usage against each limit. */
export async function getLimits(deps: BillingDeps, ctx: UserActionContext, projectId: string) {
  await requireMembership(deps.db, projectId, ctx.actor.id);
  return currentLimitsView(deps, projectId);
}

/**
 * PUT …/billing-limits (OWNER or ADMIN): omitted categories keep their limit, null removes it. Changed
 * categories start their notices afresh, and every limited category's counter is reconciled from the
 * email rows at once (a limit set below current usage blocks at once and writes its notices).
 */
export async function putLimits(deps: BillingDeps, ctx: UserActionContext, projectId: string, body: q.LimitValues) {
  await requireMembership(deps.db, projectId, ctx.actor.id, 'ADMIN');
  await deps.db.transaction(async (tx) => {
    const before = await q.findLimits(tx, projectId);
    const changed = BILLING_CATEGORIES.filter((c) => body[c] !== undefined && body[c] !== (before?.[c] ?? null));
    const row = await q.upsertLimits(tx, projectId, body);
    await q.deleteNotices(tx, projectId, changed);
    await reconcileLimited(tx, { projectId, ...ctx }, row);
  });
  return currentLimitsView(deps, projectId);
}

/** Reconciles the counter of every limited category of one project, and writes notices it now deserves. */
async function reconcileLimited(tx: Executor, ctx: ActionContext & { projectId: string }, limits: BillingLimitRow) {
  for (const category of BILLING_CATEGORIES) {
    const limit = limits[category];
    if (limit === null || limit === undefined) continue;
    const units = await q.reconcileCounter(tx, ctx.projectId, category, SOURCE_OF_CATEGORY[category]);
    await recordNotices(tx, ctx, category, units, limit);
  }
}

/** `billing.reconcile` (every 5 minutes): counters of every project with limits, one transaction each. */
export async function reconcileAllCounters(deps: BillingDeps): Promise<{ projects: number; failed: number }> {
  const list = await q.listLimitedProjects(deps.db);
  let failed = 0;
  for (const limits of list) {
    try {
      await deps.db.transaction((tx) => reconcileLimited(tx, { projectId: limits.projectId, actor: { type: 'system' } }, limits));
    } catch (err) {
      failed++;
      deps.log?.error({ err, projectId: limits.projectId }, 'billing counter reconcile failed for one project');
    }
  }
  return { projects: list.length, failed };
}
