import { z } from 'zod';
import type { FilterCondition } from '../../db/schema/index.js';

// The segment filter grammar (notes §4.14) as one zod schema: request bodies are checked with it, and
// so is every stored condition before it is compiled (filter-compiler.ts). Field names are checked
// here too, so a bad filter is a 422 naming its path (`condition.groups.0.filters.1.field`).

export const FILTER_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'greaterThan',
  'lessThan',
  'greaterThanOrEqual',
  'lessThanOrEqual',
  'exists',
  'notExists',
  'within',
  'olderThan',
  'triggered',
  'triggeredWithin',
  'triggeredOlderThan',
  'notTriggered',
  'notTriggeredWithin',
  'memberOfSegment',
  'notMemberOfSegment',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export const TIME_UNITS = ['days', 'hours', 'minutes'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

const COMPARE = ['greaterThan', 'lessThan', 'greaterThanOrEqual', 'lessThanOrEqual'] as const;
const TIMED = ['within', 'olderThan', 'triggeredWithin', 'triggeredOlderThan', 'notTriggeredWithin'] as const;
const ACTIVITY_OPS = ['triggered', 'triggeredWithin', 'triggeredOlderThan', 'notTriggered', 'notTriggeredWithin'] as const;

/** The email columns `email.<activity>` filters read; both spellings of each activity are accepted. */
export const EMAIL_ACTIVITY_COLUMNS: Record<string, string> = {
  sent: 'sent_at',
  delivery: 'delivered_at',
  delivered: 'delivered_at',
  open: 'opened_at',
  opened: 'opened_at',
  click: 'clicked_at',
  clicked: 'clicked_at',
  bounce: 'bounced_at',
  bounced: 'bounced_at',
  complaint: 'complained_at',
  complained: 'complained_at',
};

export type FieldFamily = 'email' | 'subscribed' | 'date' | 'data' | 'event' | 'emailActivity' | 'segment';

const OPERATORS_BY_FAMILY: Record<FieldFamily, readonly FilterOperator[]> = {
  email: ['equals', 'notEquals', 'contains', 'notContains'],
  subscribed: ['equals', 'notEquals'],
  date: ['equals', 'notEquals', ...COMPARE, 'within', 'olderThan'],
  data: ['equals', 'notEquals', 'contains', 'notContains', ...COMPARE, 'exists', 'notExists', 'within', 'olderThan'],
  event: ACTIVITY_OPS,
  emailActivity: ACTIVITY_OPS,
  segment: ['memberOfSegment', 'notMemberOfSegment'],
};

export const MAX_DATA_PATH_DEPTH = 10;
const MAX_PATH_SEGMENT = 200;
const MAX_NESTING = 5;
const MAX_FILTERS = 100;
/** Longest window: 100 years in minutes, far inside what a Date can hold. */
const MAX_AMOUNT = 100 * 366 * 24 * 60;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Which family a field belongs to, or null when the field is not supported. */
export function fieldFamily(field: string): FieldFamily | null {
  if (field === 'email') return 'email';
  if (field === 'subscribed') return 'subscribed';
  if (field === 'createdAt' || field === 'updatedAt') return 'date';
  if (field.startsWith('data.')) return 'data';
  if (field.startsWith('event.')) return 'event';
  if (field.startsWith('segment.')) return 'segment';
  if (field.startsWith('email.') && Object.hasOwn(EMAIL_ACTIVITY_COLUMNS, field.slice(6))) return 'emailActivity';
  return null;
}

/** `data.a.b` → `['a', 'b']`, or a reason the path cannot be used. */
export function dataPathOf(field: string): { path: string[] } | { problem: string } {
  const path = field.slice('data.'.length).split('.');
  if (path.length > MAX_DATA_PATH_DEPTH) return { problem: `A data path has at most ${MAX_DATA_PATH_DEPTH} levels` };
  if (path.some((p) => p === '')) return { problem: 'Invalid data path: empty segment' };
  if (path.some((p) => p.length > MAX_PATH_SEGMENT || CONTROL.test(p))) return { problem: 'Invalid data path: segments are at most 200 printable characters' };
  return { path };
}

/** A positive whole number of units (`7` or `"7"`), or null. */
export function amountOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n <= MAX_AMOUNT ? n : null;
}

/** A date-like value (`2024-05-01`, an ISO date-time, epoch milliseconds) as a Date, or null. */
export function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return null;
  const d = new Date(typeof value === 'string' ? value.trim() : value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

const filterShape = z.object({
  field: z.string().min(1).max(300),
  operator: z.enum(FILTER_OPERATORS),
  value: scalar.nullish(),
  unit: z.enum(TIME_UNITS).optional(),
});

function checkFilter(f: z.infer<typeof filterShape>, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (CONTROL.test(f.field)) return issue('field', 'Unsupported filter field');
  const family = fieldFamily(f.field);
  if (!family) return issue('field', 'Unsupported filter field');
  if (!OPERATORS_BY_FAMILY[family].includes(f.operator)) return issue('operator', `Operator "${f.operator}" is not supported for field "${f.field}"`);
  if (family === 'data') {
    const path = dataPathOf(f.field);
    if ('problem' in path) return issue('field', path.problem);
  }
  if (family === 'event' && f.field.length === 'event.'.length) return issue('field', 'An event filter names the event: event.<name>');
  const timed = (TIMED as readonly string[]).includes(f.operator);
  const needsValue = timed || !['exists', 'notExists', 'triggered', 'notTriggered', 'memberOfSegment', 'notMemberOfSegment'].includes(f.operator);
  if (needsValue && (f.value === undefined || f.value === null || f.value === '')) return issue('value', `Operator "${f.operator}" needs a value`);
  if (timed) {
    if (!f.unit) return issue('unit', `Operator "${f.operator}" needs a unit (days, hours or minutes)`);
    if (amountOf(f.value) === null) return issue('value', 'Must be a positive whole number of units');
    return;
  }
  if (family === 'date' && dateOf(f.value) === null) return issue('value', 'Must be a date (YYYY-MM-DD or an ISO 8601 date-time)');
  if (family === 'email' && typeof f.value !== 'string') return issue('value', 'Must be a string');
}

export const filterSchema = filterShape.superRefine(checkFilter);
export type Filter = z.infer<typeof filterSchema>;

export interface FilterConditionInput {
  logic: 'AND' | 'OR';
  groups: { filters: Filter[]; conditions?: FilterConditionInput }[];
}

export const filterConditionSchema: z.ZodType<FilterConditionInput> = z
  .object({
    logic: z.enum(['AND', 'OR']),
    get groups() {
      return z.array(filterGroupSchema).min(1, { message: 'A condition needs at least one group' }).max(MAX_FILTERS);
    },
  })
  .meta({ id: 'FilterCondition', description: 'Segment filter: groups combined with `logic`; each group ANDs its filters and its nested condition.' });

const filterGroupSchema = z
  .object({
    filters: z.array(filterSchema).max(MAX_FILTERS).default([]),
    get conditions() {
      return filterConditionSchema.optional();
    },
  })
  .refine((g) => g.filters.length > 0 || g.conditions !== undefined, { message: 'Group must have at least one filter or nested condition' });

/** Size limits zod cannot express on a recursive shape: nesting depth and total filters. */
export function conditionLimitProblem(condition: FilterConditionInput): string | null {
  let filters = 0;
  const walk = (c: FilterConditionInput, depth: number): string | null => {
    if (depth > MAX_NESTING) return `Conditions nest at most ${MAX_NESTING} levels deep`;
    for (const g of c.groups) {
      filters += g.filters.length;
      if (g.conditions) {
        const problem = walk(g.conditions, depth + 1);
        if (problem) return problem;
      }
    }
    return filters > MAX_FILTERS ? `A condition has at most ${MAX_FILTERS} filters` : null;
  };
  return walk(condition, 1);
}

/** The request-body field: the grammar plus its size limits. */
export const conditionField = filterConditionSchema.superRefine((c, ctx) => {
  const problem = conditionLimitProblem(c);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Every `segment.<id>` a condition names, with the path of its filter. */
export function segmentReferences(condition: FilterConditionInput, prefix = 'condition'): { id: string; path: string }[] {
  const out: { id: string; path: string }[] = [];
  condition.groups.forEach((g, gi) => {
    g.filters.forEach((f, fi) => {
      if (fieldFamily(f.field) === 'segment') out.push({ id: f.field.slice('segment.'.length).toLowerCase(), path: `${prefix}.groups.${gi}.filters.${fi}.field` });
    });
    if (g.conditions) out.push(...segmentReferences(g.conditions, `${prefix}.groups.${gi}.conditions`));
  });
  return out;
}

/** The stored shape (db/schema) and the parsed one are the same JSON. */
export const asStored = (c: FilterConditionInput): FilterCondition => c as FilterCondition;
