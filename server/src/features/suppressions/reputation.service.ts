import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/client.js';
import { listActivity, recordActivity } from '../activity/activity.service.js';
import { pauseMarketing } from '../projects/marketing-pause.service.js';
import { requireMembership, type UserActionContext } from '../projects/membership.service.js';
import { findProject } from '../projects/projects.service.js';
import { projectRateRow, rateRowsSince, type RateRow } from './reputation.queries.js';

// Reputation guard (DECISIONS §4): per project, rolling 7-day hard-bounce and complaint rates. Warn at
// 2 % / 0.1 %, pause marketing at 5 % / 0.3 % (REPUTATION_* settings); transactional mail keeps flowing.
// Projects with fewer than REPUTATION_MIN_SENT emails in the window are not judged.

export const WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

export type Level = 'healthy' | 'warning' | 'critical';
type Thresholds = Config['reputation'];

export interface ReputationDeps {
  db: Db;
  masterKey: Buffer;
  clock: Clock;
  log: Logger;
  config: Pick<Config, 'reputation'>;
}

const rate = (n: number, sent: number) => (sent ? n / sent : 0);
const pct = (r: number) => `${(r * 100).toFixed(2)} %`;

function levelOf(value: number, warn: number, pause: number): Level {
  return value >= pause ? 'critical' : value >= warn ? 'warning' : 'healthy';
}

/** Bounce and complaint levels of a count row; all healthy below the minimum volume. */
export function levelsOf(row: RateRow, t: Thresholds): { bounce: Level; complaint: Level } {
  if (row.sent < t.minSent) return { bounce: 'healthy', complaint: 'healthy' };
  return {
    bounce: levelOf(rate(row.bounced, row.sent), t.bounceWarn, t.bouncePause),
    complaint: levelOf(rate(row.complained, row.sent), t.complaintWarn, t.complaintPause),
  };
}

const worst = (levels: Level[]): Level => (levels.includes('critical') ? 'critical' : levels.includes('warning') ? 'warning' : 'healthy');

function describe(row: RateRow) {
  return `${pct(rate(row.bounced, row.sent))} hard bounces and ${pct(rate(row.complained, row.sent))} complaints over ${row.sent} emails in ${WINDOW_DAYS} days`;
}

const metrics = (row: RateRow) => ({ sent: row.sent, bounced: row.bounced, complained: row.complained, bounceRate: rate(row.bounced, row.sent), complaintRate: rate(row.complained, row.sent) });

/** The newest activity of these types since `from`, or null (bounded by the activity index on time). */
async function latestActivity(deps: ReputationDeps, projectId: string, type: string, from: Date) {
  const page = await listActivity(deps, projectId, { type, from, limit: 1 });
  return page.data[0] ?? null;
}

/** The `suppressions.reputation` job: one pass over every project with enough volume. */
export async function runReputationGuard(deps: ReputationDeps): Promise<{ checked: number; warned: number; paused: number }> {
  const t = deps.config.reputation;
  const since = new Date(deps.clock.now().getTime() - WINDOW_DAYS * DAY_MS);
  const rows = await rateRowsSince(deps.db, since, t.minSent);
  let warned = 0;
  let paused = 0;
  for (const row of rows) {
    const levels = levelsOf(row, t);
    const level = worst([levels.bounce, levels.complaint]);
    if (level === 'healthy') continue;
    // One warning per crossing: not again while an earlier one is inside the window.
    if (!(await latestActivity(deps, row.projectId, 'reputation.warning', since))) {
      await recordActivity(deps.db, {
        projectId: row.projectId,
        actor: { type: 'system' },
        type: 'reputation.warning',
        summary: `Sending reputation at risk: ${describe(row)}`,
        metadata: { ...metrics(row), levels },
      });
      warned++;
    }
    if (level === 'critical' && (await pauseIfStillCritical(deps, row, since))) paused++;
  }
  return { checked: rows.length, warned, paused };
}

/** After an owner resumed, only the emails since then count, so the guard does not re-pause at once. */
async function pauseIfStillCritical(deps: ReputationDeps, row: RateRow, since: Date): Promise<boolean> {
  const project = await findProject(deps.db, row.projectId);
  if (!project || project.marketingPausedAt) return false;
  const resumed = await latestActivity(deps, row.projectId, 'marketing.resumed', since);
  const counted = resumed ? await projectRateRow(deps.db, row.projectId, new Date(resumed.createdAt)) : row;
  const levels = levelsOf(counted, deps.config.reputation);
  if (worst([levels.bounce, levels.complaint]) !== 'critical') return false;
  const done = await pauseMarketing(deps.db, row.projectId, `reputation guard: ${describe(counted)}`, { ...metrics(counted), levels });
  if (done) deps.log.warn({ projectId: row.projectId, ...metrics(counted) }, 'marketing paused by the reputation guard');
  return done;
}

/** GET /users/@me/projects/:id/security (Plunk's shape, plus the numbers and the pause state). */
export async function getProjectSecurity(deps: ReputationDeps, ctx: UserActionContext, projectId: string) {
  const { project } = await requireMembership(deps.db, projectId, ctx.actor.id);
  const t = deps.config.reputation;
  const since = new Date(deps.clock.now().getTime() - WINDOW_DAYS * DAY_MS);
  const [week, allTime] = await Promise.all([projectRateRow(deps.db, projectId, since), projectRateRow(deps.db, projectId, null)]);
  const recent = levelsOf(week, t);
  const ever = levelsOf(allTime, t);
  return {
    status: worst([recent.bounce, recent.complaint]),
    levels: { bounce7Day: recent.bounce, bounceAllTime: ever.bounce, complaint7Day: recent.complaint, complaintAllTime: ever.complaint },
    isDisabled: project.disabled,
    marketingPaused: !!project.marketingPausedAt,
    marketingPausedAt: project.marketingPausedAt?.toISOString() ?? null,
    marketingPausedReason: project.marketingPausedReason,
    window: { days: WINDOW_DAYS, ...metrics(week) },
    allTime: metrics(allTime),
    thresholds: { bounceWarning: t.bounceWarn, bouncePause: t.bouncePause, complaintWarning: t.complaintWarn, complaintPause: t.complaintPause, minimumSent: t.minSent },
  };
}
