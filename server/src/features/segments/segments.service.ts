import { AppError, notFound } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { SegmentRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { segmentInUseByCampaigns } from './campaign-usage.js';
import { compileAudience, compileSegmentAudience } from './filter-compiler.js';
import { asStored, segmentReferences, type FilterConditionInput } from './filter-schema.js';
import { countActiveMembers, listActiveMembers } from './memberships.queries.js';
import type { CreateSegmentBody, UpdateSegmentBody } from './segments.schemas.js';
import * as q from './segments.queries.js';

// Segments: CRUD, live counts, previews and member listing. Members of STATIC segments are changed in
// segment-members.service.ts; tracked membership (entry/exit events) in segment-compute.service.ts.

export interface SegmentDeps {
  db: Db;
  clock: Clock;
}

const MAX_SLUG_ATTEMPTS = 5;
const PREVIEW_SAMPLE = 10;

/** "VIP Customers!" → `vip-customers` (names the `segment.<slug>.entry/exit` events). */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '');
  return slug || 'segment';
}

/** The project's segment, or 404 (also for other projects' ids and malformed ids). */
export async function getSegment(db: Executor, projectId: string, id: string): Promise<SegmentRow> {
  const row = isUuid(id) ? await q.findSegment(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('RESOURCE_NOT_FOUND', 'Segment', id);
  return row;
}

export async function lockSegmentOr404(db: Executor, projectId: string, id: string): Promise<SegmentRow> {
  const row = isUuid(id) ? await q.lockSegment(db, projectId, id.toLowerCase()) : undefined;
  if (!row) throw notFound('RESOURCE_NOT_FOUND', 'Segment', id);
  return row;
}

export function listSegments(db: Executor, projectId: string): Promise<SegmentRow[]> {
  return q.listSegmentRows(db, projectId);
}

/** Members right now: active rows for STATIC segments, the live condition for DYNAMIC ones. */
export async function countSegmentMembers(db: Executor, segment: SegmentRow, now: Date): Promise<number> {
  if (segment.type === 'STATIC') return countActiveMembers(db, segment.id);
  return q.countMatching(db, await compileSegmentAudience(db, segment, now, { live: true }));
}

function audit(ctx: ProjectActionContext, type: string, segment: Pick<SegmentRow, 'id' | 'name'>, summary: string, extra: Record<string, unknown> = {}) {
  const { projectId, actor, requestId, ip } = ctx;
  return { projectId, actor, requestId, ip, type, summary, metadata: { segmentId: segment.id, name: segment.name, ...extra } };
}

/** Inserts with the first free slug of `name` (`vip`, `vip-2`, `vip-3`, …); a concurrent winner means another try. */
async function insertWithFreeSlug(db: Executor, row: Omit<q.NewSegment, 'slug'>): Promise<SegmentRow> {
  const base = slugify(row.name);
  for (let attempt = 0; attempt < MAX_SLUG_ATTEMPTS; attempt++) {
    const taken = new Set(await q.findSlugsLike(db, row.projectId, base));
    let n = 1;
    while (taken.has(n === 1 ? base : `${base}-${n}`)) n++;
    const inserted = await q.insertSegmentIfSlugFree(db, { ...row, slug: n === 1 ? base : `${base}-${n}` });
    if (inserted) return inserted;
  }
  throw new AppError('CONFLICT', 'Could not pick a unique slug for this segment name; retry');
}

export async function createSegment(deps: SegmentDeps, ctx: ProjectActionContext, input: CreateSegmentBody): Promise<SegmentRow> {
  const now = deps.clock.now();
  const condition = input.type === 'DYNAMIC' ? (input.condition ?? null) : null;
  return deps.db.transaction(async (tx) => {
    const memberCount = condition ? await q.countMatching(tx, await compileAudience(tx, ctx.projectId, condition, now)) : 0;
    const row = await insertWithFreeSlug(tx, {
      projectId: ctx.projectId,
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      condition: condition ? asStored(condition) : null,
      trackMembership: input.trackMembership ?? false,
      memberCount,
      memberCountAt: now,
    });
    await recordActivity(tx, audit(ctx, 'segment.created', row, `Segment "${row.name}" created`, { type: row.type, slug: row.slug }));
    return row;
  });
}

function refuseOnStatic(field: 'condition' | 'trackMembership', message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { errors: [{ field, message, code: 'static_segment' }] });
}

export async function updateSegment(deps: SegmentDeps, ctx: ProjectActionContext, id: string, input: UpdateSegmentBody): Promise<SegmentRow> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const current = await lockSegmentOr404(tx, ctx.projectId, id);
    if (current.type === 'STATIC' && input.condition) throw refuseOnStatic('condition', 'STATIC segments have no condition: add members instead');
    if (current.type === 'STATIC' && input.trackMembership) throw refuseOnStatic('trackMembership', 'Membership tracking applies to DYNAMIC segments only');
    const changes: q.SegmentChanges & { memberCount?: number; memberCountAt?: Date } = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (input.trackMembership !== undefined) changes.trackMembership = input.trackMembership;
    if (input.condition) {
      const where = await compileAudience(tx, ctx.projectId, input.condition, now, { selfId: current.id });
      changes.condition = asStored(input.condition);
      changes.memberCount = await q.countMatching(tx, where);
      changes.memberCountAt = now;
    }
    const row = (await q.updateSegmentRow(tx, ctx.projectId, current.id, changes))!;
    const fields = Object.keys(input).filter((k) => input[k as keyof UpdateSegmentBody] !== undefined);
    await recordActivity(tx, audit(ctx, 'segment.updated', row, `Segment "${row.name}" updated (${fields.join(', ') || 'no changes'})`, { fields }));
    return row;
  });
}

/** Other segments of the project whose condition names this one (deleting it would break them). */
async function referencingSegments(db: Executor, projectId: string, id: string) {
  const rows = await q.listConditionedSegments(db, projectId);
  return rows.filter((r) => r.id !== id && r.condition && segmentReferences(r.condition as FilterConditionInput).some((ref) => ref.id === id));
}

export async function deleteSegment(deps: SegmentDeps, ctx: ProjectActionContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const segment = await lockSegmentOr404(tx, ctx.projectId, id);
    const campaigns = await segmentInUseByCampaigns(tx, ctx.projectId, segment.id);
    if (campaigns > 0) {
      throw new AppError('CONFLICT', `Cannot delete segment: it is currently used in ${campaigns} active campaign(s). Finish or cancel them first.`, { campaigns });
    }
    const users = await referencingSegments(tx, ctx.projectId, segment.id);
    if (users.length) {
      const names = users.map((u) => `"${u.name}"`).join(', ');
      throw new AppError('CONFLICT', `Cannot delete segment: the condition of segment ${names} refers to it`, { segments: users.map((u) => u.id) });
    }
    await q.deleteSegmentRow(tx, ctx.projectId, segment.id);
    await recordActivity(tx, audit(ctx, 'segment.deleted', segment, `Segment "${segment.name}" deleted`));
  });
}

/** GET /segments/:id/contacts: STATIC by membership (latest entry first), DYNAMIC live (newest contact first). */
export async function listSegmentContacts(deps: SegmentDeps, projectId: string, id: string, page: { page: number; pageSize: number }) {
  const segment = await getSegment(deps.db, projectId, id);
  const window = { limit: page.pageSize, offset: (page.page - 1) * page.pageSize };
  let data;
  let total;
  if (segment.type === 'STATIC') {
    data = await listActiveMembers(deps.db, projectId, segment.id, window);
    total = await countActiveMembers(deps.db, segment.id);
  } else {
    const where = await compileSegmentAudience(deps.db, segment, deps.clock.now(), { live: true });
    data = await q.listMatching(deps.db, where, window);
    total = await q.countMatching(deps.db, where);
  }
  return { data, total, page: page.page, pageSize: page.pageSize, totalPages: Math.ceil(total / page.pageSize) };
}

/** POST /segments/:id/refresh: recounts and caches `memberCount`. */
export async function refreshSegmentCount(deps: SegmentDeps, projectId: string, id: string): Promise<SegmentRow> {
  const now = deps.clock.now();
  const segment = await getSegment(deps.db, projectId, id);
  const count = await countSegmentMembers(deps.db, segment, now);
  return (await q.setMemberCount(deps.db, projectId, segment.id, count, now)) ?? segment;
}

/** POST /segments/preview: the live count of an unsaved condition and a few of its contacts. */
export async function previewSegment(deps: SegmentDeps, projectId: string, condition: FilterConditionInput) {
  const where = await compileAudience(deps.db, projectId, condition, deps.clock.now());
  const count = await q.countMatching(deps.db, where);
  const sample = count ? await q.listMatching(deps.db, where, { limit: PREVIEW_SAMPLE, offset: 0 }) : [];
  return { count, sample: sample.map((c) => ({ id: c.id, email: c.email })) };
}
