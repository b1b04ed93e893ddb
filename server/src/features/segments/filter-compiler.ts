import { sql, type SQL } from 'drizzle-orm';
import { AppError, validationError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { SegmentType } from '../../db/schema/index.js';
import { compileEmailActivityFilter, compileEventFilter } from './filter-activity.js';
import { compileDateFilter, compileEmailFilter, compileSubscribedFilter } from './filter-contact-fields.js';
import { compileDataFilter } from './filter-data.js';
import { conditionField, fieldFamily, segmentReferences, type Filter, type FilterConditionInput } from './filter-schema.js';
import { findSegmentsByIds } from './segments.queries.js';

// Turns a FilterCondition into ONE parameterised WHERE fragment over `contacts c`. Values, data path
// segments, event names and ids are always bound parameters; SQL text comes only from this code.

export const SELF_REFERENCE_MESSAGE = 'A segment cannot reference itself';
export const CYCLE_MESSAGE = 'Circular segment reference detected';

interface ResolvedSegment {
  id: string;
  type: SegmentType;
  trackMembership: boolean;
  condition: FilterConditionInput | null;
}

interface CompileContext {
  projectId: string;
  now: Date;
  segments: Map<string, ResolvedSegment>;
}

/** Validates a condition against the grammar (422 with field paths under `prefix`). */
export function parseCondition(input: unknown, prefix = 'condition'): FilterConditionInput {
  const parsed = conditionField.safeParse(input);
  if (parsed.success) return parsed.data;
  throw validationError(
    parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join('.'), message: i.message, code: i.code })),
  );
}

function referenceError(message: string, field: string, code: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { errors: [{ field, message, code }] });
}

/**
 * Loads every segment the condition reaches through `segment.<id>` (transitively through DYNAMIC
 * definitions), refusing missing ones, other projects' ones, self-reference and cycles. `selfId` is
 * the segment whose condition this is, when it has one.
 */
async function resolveSegments(db: Executor, projectId: string, root: FilterConditionInput, prefix: string, selfId?: string) {
  const resolved = new Map<string, ResolvedSegment>();
  const onPath = new Set<string>(selfId ? [selfId] : []);
  const done = new Set<string>();

  const visit = async (condition: FilterConditionInput, reportAt: string | null): Promise<void> => {
    for (const ref of segmentReferences(condition, prefix)) {
      const field = reportAt ?? ref.path;
      if (selfId && ref.id === selfId && reportAt === null) throw referenceError(SELF_REFERENCE_MESSAGE, field, 'self_reference');
      if (onPath.has(ref.id)) throw referenceError(CYCLE_MESSAGE, field, 'segment_cycle');
      if (done.has(ref.id)) continue;
      const row = isUuid(ref.id) ? (await findSegmentsByIds(db, projectId, [ref.id]))[0] : undefined;
      if (!row) throw referenceError(`Segment "${ref.id}" was not found`, field, 'segment_not_found');
      const condition = row.type === 'DYNAMIC' && row.condition ? parseCondition(row.condition, `segment(${row.id}).condition`) : null;
      resolved.set(row.id, { id: row.id, type: row.type, trackMembership: row.trackMembership, condition });
      if (condition) {
        onPath.add(row.id);
        await visit(condition, field);
        onPath.delete(row.id);
      }
      done.add(row.id);
    }
  };
  await visit(root, null);
  return resolved;
}

function filterSql(f: Filter, ctx: CompileContext): SQL {
  switch (fieldFamily(f.field)) {
    case 'email':
      return compileEmailFilter(f);
    case 'subscribed':
      return compileSubscribedFilter(f);
    case 'date':
      return compileDateFilter(f, ctx.now);
    case 'data':
      return compileDataFilter(f, ctx.now);
    case 'event':
      return compileEventFilter(f, ctx.projectId, ctx.now);
    case 'emailActivity':
      return compileEmailActivityFilter(f, ctx.projectId, ctx.now);
    case 'segment':
      return segmentSql(f, ctx);
  }
  throw new Error(`unsupported field ${f.field}`); // the schema refused it already
}

/** Membership rows for STATIC and tracked segments; an untracked DYNAMIC one is inlined. */
function segmentSql(f: Filter, ctx: CompileContext): SQL {
  const segment = ctx.segments.get(f.field.slice('segment.'.length).toLowerCase())!;
  const member =
    segment.type === 'STATIC' || segment.trackMembership
      ? sql`exists (select 1 from segment_memberships sm where sm.segment_id = ${segment.id} and sm.contact_id = c.id and sm.exited_at is null)`
      : segment.condition
        ? conditionSql(segment.condition, ctx)
        : sql`false`;
  return f.operator === 'memberOfSegment' ? member : sql`not ${member}`;
}

function conditionSql(condition: FilterConditionInput, ctx: CompileContext): SQL {
  const groups = condition.groups.map((g) => {
    const parts = g.filters.map((f) => filterSql(f, ctx));
    if (g.conditions) parts.push(conditionSql(g.conditions, ctx));
    return sql`(${sql.join(parts, sql` and `)})`;
  });
  return sql`(${sql.join(groups, condition.logic === 'AND' ? sql` and ` : sql` or `)})`;
}

export interface CompileOptions {
  /** The segment the condition belongs to (refuses self-reference and cycles through it). */
  selfId?: string;
  /** Where validation errors point: `condition` (request bodies) by default. */
  prefix?: string;
}

/**
 * The WHERE fragment for "contacts of `projectId` matching `condition`" over `contacts c`, the project
 * filter included. Time windows are relative to `now` (the injected clock), bound as parameters.
 */
export async function compileAudience(db: Executor, projectId: string, condition: unknown, now: Date, opts: CompileOptions = {}): Promise<SQL> {
  const prefix = opts.prefix ?? 'condition';
  const parsed = parseCondition(condition, prefix);
  const segments = await resolveSegments(db, projectId, parsed, prefix, opts.selfId);
  return sql`(c.project_id = ${projectId} and ${conditionSql(parsed, { projectId, now, segments })})`;
}

/** The WHERE fragment for a saved segment's members: active membership rows, or its live condition. */
export async function compileSegmentAudience(
  db: Executor,
  segment: { id: string; projectId: string; type: SegmentType; trackMembership: boolean; condition: unknown },
  now: Date,
  opts: { live?: boolean } = {},
): Promise<SQL> {
  const useRows = segment.type === 'STATIC' || (segment.trackMembership && !opts.live);
  if (useRows) {
    return sql`(c.project_id = ${segment.projectId} and exists (select 1 from segment_memberships sm where sm.segment_id = ${segment.id} and sm.contact_id = c.id and sm.exited_at is null))`;
  }
  if (!segment.condition) return sql`false`;
  return compileAudience(db, segment.projectId, segment.condition, now, { selfId: segment.id, prefix: 'condition' });
}
