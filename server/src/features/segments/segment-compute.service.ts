import type { Logger } from 'pino';
import { AppError } from '../../core/errors.js';
import type { Executor } from '../../db/client.js';
import type { SegmentRow } from '../../db/schema/index.js';
import { recordEvents } from '../events/events.service.js';
import { compileSegmentAudience } from './filter-compiler.js';
import { countActiveMembers, enterMatching, exitNonMatching } from './memberships.queries.js';
import { listSegmentsAfter, setMemberCount } from './segments.queries.js';
import { countSegmentMembers, lockSegmentOr404, type SegmentDeps } from './segments.service.js';

// Tracked membership: the diff between who matches now and the active membership rows, written as
// entry/exit rows and `segment.<slug>.entry` / `.exit` events in one transaction. The segment row is
// locked first, so two computes of one segment (API and job) run one after the other and each change
// produces exactly one event.

const EVENT_BATCH = 500;
const REFRESH_PAGE = 50;

type EventRows = Parameters<typeof recordEvents>[1];

async function emitMembershipEvents(tx: Executor, segment: SegmentRow, kind: 'entry' | 'exit', contactIds: string[]) {
  for (let i = 0; i < contactIds.length; i += EVENT_BATCH) {
    const rows: EventRows = contactIds.slice(i, i + EVENT_BATCH).map((contactId) => ({
      projectId: segment.projectId,
      contactId,
      name: `segment.${segment.slug}.${kind}`,
      data: { segmentId: segment.id, segmentName: segment.name },
    }));
    await recordEvents(tx, rows);
  }
}

/** Diffs a locked, tracked segment. */
async function computeLocked(tx: Executor, segment: SegmentRow, now: Date) {
  const where = await compileSegmentAudience(tx, segment, now, { live: true });
  const exited = await exitNonMatching(tx, { segmentId: segment.id, where, at: now });
  const entered = await enterMatching(tx, { segmentId: segment.id, projectId: segment.projectId, where, at: now });
  await emitMembershipEvents(tx, segment, 'entry', entered);
  await emitMembershipEvents(tx, segment, 'exit', exited);
  const total = await countActiveMembers(tx, segment.id);
  await setMemberCount(tx, segment.projectId, segment.id, total, now);
  return { added: entered.length, removed: exited.length, total };
}

/** POST /segments/:id/compute. */
export async function computeSegmentMembership(deps: SegmentDeps, projectId: string, id: string) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const segment = await lockSegmentOr404(tx, projectId, id);
    if (!segment.trackMembership) throw new AppError('BAD_REQUEST', 'Segment does not have membership tracking enabled');
    return computeLocked(tx, segment, now);
  });
}

/** One segment of the periodic refresh: tracked ones are computed, the others recounted. */
async function refreshOne(deps: SegmentDeps, segment: SegmentRow, now: Date): Promise<'computed' | 'counted' | 'gone'> {
  if (segment.type === 'DYNAMIC' && segment.trackMembership) {
    return deps.db.transaction(async (tx) => {
      const locked = await lockSegmentOr404(tx, segment.projectId, segment.id).catch(() => null);
      if (!locked || !locked.trackMembership) return 'gone' as const;
      await computeLocked(tx, locked, now);
      return 'computed' as const;
    });
  }
  const count = await countSegmentMembers(deps.db, segment, now);
  return (await setMemberCount(deps.db, segment.projectId, segment.id, count, now)) ? 'counted' : 'gone';
}

/**
 * The `segments.refresh-counts` job: every segment of every project, a page at a time. A segment that
 * fails (a broken reference, a timeout) is logged and skipped so the others still refresh.
 */
export async function refreshAllSegments(deps: SegmentDeps & { log?: Pick<Logger, 'warn'> }) {
  const now = deps.clock.now();
  const totals = { counted: 0, computed: 0, failed: 0 };
  let after: string | null = null;
  for (;;) {
    const page = await listSegmentsAfter(deps.db, after, REFRESH_PAGE);
    for (const segment of page) {
      try {
        const outcome = await refreshOne(deps, segment, now);
        if (outcome !== 'gone') totals[outcome]++;
      } catch (err) {
        totals.failed++;
        deps.log?.warn({ err, segmentId: segment.id, projectId: segment.projectId }, 'segment refresh failed');
      }
    }
    if (page.length < REFRESH_PAGE) return totals;
    after = page[page.length - 1].id;
  }
}
