import { AppError } from '../../core/errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { Executor } from '../../db/client.js';
import type { ActorType } from '../../db/schema/index.js';
import { redactKeys } from '../keys/keys.js';
import {
  countActivitiesByTypeAndDay,
  insertActivities,
  listActivityRows,
  listActivityTypes,
  type ActivityFilter,
  type NewActivity,
} from './activity.queries.js';

export { activitiesInsertText } from './activity.queries.js';

export interface Actor {
  type: ActorType;
  id?: string | null;
}

/** Who acted, and through which request: carried from the edge into every service call. */
export interface ActionContext {
  actor: Actor;
  requestId?: string | null;
  ip?: string | null;
}

export interface ProjectActionContext extends ActionContext {
  projectId: string;
}

export interface ActivityInput {
  projectId: string;
  actor: Actor;
  type: string;
  summary: string;
  requestId?: string | null;
  ip?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Written in the caller's transaction so the audit row exists exactly when the change does. */
export async function recordActivity(db: Executor, input: ActivityInput | ActivityInput[]): Promise<void> {
  await insertActivities(db, activityRows(Array.isArray(input) ? input : [input]));
}

/** These audit rows as the jsonb parameter of `activitiesInsertText`, for a caller that writes them in one statement with the change (same rules). */
export const activityRowsJson = (list: ActivityInput[]): string => JSON.stringify(activityRows(list));

function activityRows(list: ActivityInput[]): NewActivity[] {
  return list.map((a) => ({
    projectId: a.projectId,
    type: a.type,
    actorType: a.actor.type,
    actorId: a.actor.id ?? null,
    // Summaries may quote user input; a pasted key must never land in the audit trail.
    summary: redactKeys(a.summary).slice(0, 500),
    requestId: a.requestId ?? null,
    ip: a.ip ?? null,
    metadata: a.metadata ? JSON.parse(redactKeys(JSON.stringify(a.metadata))) : null,
  }));
}

export interface ActivityReadDeps {
  db: Executor;
  /** Signs list cursors. */
  masterKey: Buffer;
  clock: { now(): Date };
}

export interface ListActivityInput {
  type?: string;
  actorType?: ActorType;
  actorId?: string;
  requestId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const CURSOR_SCOPE = 'activity-cursor';

/** `a,b` → exact types; `contact.*` (or `contact*`) → every type starting with `contact.`. */
function parseTypes(spec: string | undefined): ActivityFilter['types'] {
  const items = (spec ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (!items.length) return undefined;
  const prefixes = items.filter((t) => t.endsWith('*')).map((t) => t.slice(0, -1));
  // `*` alone is "every type": no filter at all.
  if (prefixes.includes('')) return undefined;
  return { exact: items.filter((t) => !t.endsWith('*')), prefixes };
}

/** GET /activity: newest first, keyset-paged on (created_at, id) so pages never skip or repeat rows. */
export async function listActivity(deps: ActivityReadDeps, projectId: string, input: ListActivityInput) {
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, input.cursor) : undefined;
  const filter: ActivityFilter = {
    projectId,
    types: parseTypes(input.type),
    actorType: input.actorType,
    actorId: input.actorId || undefined,
    requestId: input.requestId || undefined,
    from: input.from,
    to: input.to,
  };
  const rows = await listActivityRows(deps.db, filter, input.limit, after);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      type: r.type,
      actor: r.actorType === 'user' ? { type: r.actorType, id: r.actorId, email: r.actorEmail } : { type: r.actorType, id: r.actorId },
      summary: r.summary,
      requestId: r.requestId,
      ip: r.ip,
      metadata: r.metadata,
      createdAt: new Date(r.sortKey).toISOString(),
    })),
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
  };
}

const DAY_MS = 86_400_000;
const MAX_STATS_DAYS = 366;

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** GET /activity/stats: totals per type and per UTC day over [from, to] (default: the last 30 days). */
export async function activityStats(deps: ActivityReadDeps, projectId: string, range: { from?: Date; to?: Date }) {
  const to = range.to ?? deps.clock.now();
  const from = range.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (to.getTime() - from.getTime() > MAX_STATS_DAYS * DAY_MS) {
    throw new AppError('VALIDATION_ERROR', `Activity stats cover at most ${MAX_STATS_DAYS} days`, {
      errors: [{ field: 'querystring.from', message: `the range may span at most ${MAX_STATS_DAYS} days`, code: 'too_big' }],
    });
  }
  const rows = await countActivitiesByTypeAndDay(deps.db, projectId, from, to);
  const byType = new Map<string, number>();
  const byDay = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    const n = Number(r.count);
    total += n;
    byType.set(r.type, (byType.get(r.type) ?? 0) + n);
    byDay.set(r.day, (byDay.get(r.day) ?? 0) + n);
  }
  // Every day of the range, zeros included, so a chart needs no gap filling.
  const days: { date: string; count: number }[] = [];
  for (let t = Date.parse(utcDay(from)); t <= to.getTime(); t += DAY_MS) {
    const date = utcDay(new Date(t));
    days.push({ date, count: byDay.get(date) ?? 0 });
  }
  return {
    total,
    byType: [...byType].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
    byDay: days,
  };
}

/** GET /activity/types: the distinct types this project has recorded (for the filter menu). */
export async function activityTypes(deps: Pick<ActivityReadDeps, 'db'>, projectId: string) {
  return { types: await listActivityTypes(deps.db, projectId, 1000) };
}
