import type { FieldError } from '../../api/client';
import type { ContactFieldType, FilterCondition, SegmentFilter, TimeUnit } from '../../api/types';

// The segment filter grammar as the builder edits it: every input is a string (what the controls hold),
// every row and group has a stable key, and conversion to the API's FilterCondition happens only when
// the draft is complete. Field families and their operators mirror server/src/features/segments/filter-schema.ts.

export type FieldFamily = 'email' | 'subscribed' | 'date' | 'data' | 'event' | 'emailActivity' | 'segment';

export const CONTACT_FIELDS = [
  { field: 'email', label: 'Email address' },
  { field: 'subscribed', label: 'Subscribed' },
  { field: 'createdAt', label: 'Created' },
  { field: 'updatedAt', label: 'Last updated' },
] as const;

export const EMAIL_ACTIVITIES = [
  { field: 'email.sent', label: 'Email sent' },
  { field: 'email.delivered', label: 'Email delivered' },
  { field: 'email.opened', label: 'Email opened' },
  { field: 'email.clicked', label: 'Email link clicked' },
  { field: 'email.bounced', label: 'Email bounced' },
  { field: 'email.complained', label: 'Marked as spam' },
] as const;

/** Server spellings the builder shows under the canonical name (notes: both are accepted). */
const ACTIVITY_ALIASES: Record<string, string> = { open: 'opened', click: 'clicked', bounce: 'bounced', complaint: 'complained', delivery: 'delivered' };

const ACTIVITY_OPS = ['triggered', 'triggeredWithin', 'triggeredOlderThan', 'notTriggered', 'notTriggeredWithin'] as const;

export const OPERATORS: Record<FieldFamily, readonly string[]> = {
  email: ['equals', 'notEquals', 'contains', 'notContains'],
  subscribed: ['equals', 'notEquals'],
  date: ['equals', 'notEquals', 'greaterThan', 'lessThan', 'greaterThanOrEqual', 'lessThanOrEqual', 'within', 'olderThan'],
  data: ['equals', 'notEquals', 'contains', 'notContains', 'greaterThan', 'lessThan', 'greaterThanOrEqual', 'lessThanOrEqual', 'exists', 'notExists', 'within', 'olderThan'],
  event: ACTIVITY_OPS,
  emailActivity: ACTIVITY_OPS,
  segment: ['memberOfSegment', 'notMemberOfSegment'],
};

const BASE_LABELS: Record<string, string> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  notContains: 'does not contain',
  greaterThan: 'is greater than',
  lessThan: 'is less than',
  greaterThanOrEqual: 'is at least',
  lessThanOrEqual: 'is at most',
  exists: 'is set',
  notExists: 'is not set',
  within: 'is within the last',
  olderThan: 'is more than',
  triggered: 'has happened',
  triggeredWithin: 'happened within the last',
  triggeredOlderThan: 'happened, but not in the last',
  notTriggered: 'has never happened',
  notTriggeredWithin: 'has not happened within the last',
  memberOfSegment: 'is a member',
  notMemberOfSegment: 'is not a member',
};

const DATE_LABELS: Record<string, string> = {
  equals: 'is on',
  notEquals: 'is not on',
  greaterThan: 'is after',
  lessThan: 'is before',
  greaterThanOrEqual: 'is on or after',
  lessThanOrEqual: 'is on or before',
};

export function operatorLabel(family: FieldFamily | null, operator: string, dataType?: ContactFieldType): string {
  if ((family === 'date' || (family === 'data' && dataType === 'date')) && DATE_LABELS[operator]) return DATE_LABELS[operator];
  return BASE_LABELS[operator] ?? operator;
}

export function fieldFamily(field: string): FieldFamily | null {
  if (field === 'email') return 'email';
  if (field === 'subscribed') return 'subscribed';
  if (field === 'createdAt' || field === 'updatedAt') return 'date';
  if (field.startsWith('data.')) return 'data';
  if (field.startsWith('event.')) return 'event';
  if (field.startsWith('segment.')) return 'segment';
  if (field.startsWith('email.')) return 'emailActivity';
  return null;
}

export const TIMED_OPERATORS = ['within', 'olderThan', 'triggeredWithin', 'triggeredOlderThan', 'notTriggeredWithin'];
const NO_VALUE_OPERATORS = ['exists', 'notExists', 'triggered', 'notTriggered', 'memberOfSegment', 'notMemberOfSegment'];

export type ValueKind = 'none' | 'text' | 'number' | 'boolean' | 'date' | 'duration';

/** Which input an operator needs for a field (`dataType` is the inferred type of a data field). */
export function valueKind(family: FieldFamily | null, operator: string, dataType?: ContactFieldType): ValueKind {
  if (!family || !operator || NO_VALUE_OPERATORS.includes(operator)) return 'none';
  if (TIMED_OPERATORS.includes(operator)) return 'duration';
  if (family === 'subscribed') return 'boolean';
  if (family === 'date') return 'date';
  if (family === 'data') {
    if (operator === 'contains' || operator === 'notContains') return 'text';
    if (dataType === 'number') return 'number';
    if (dataType === 'boolean' && (operator === 'equals' || operator === 'notEquals')) return 'boolean';
    if (dataType === 'date') return 'date';
  }
  return 'text';
}

/** `custom` marks a data path or event name typed by hand instead of picked from the list. */
export interface FilterDraft {
  key: string;
  field: string;
  custom: 'data' | 'event' | null;
  operator: string;
  value: string;
  unit: TimeUnit;
}

export interface GroupDraft {
  key: string;
  filters: FilterDraft[];
  nested: ConditionDraft | null;
}

export interface ConditionDraft {
  key: string;
  logic: 'AND' | 'OR';
  groups: GroupDraft[];
}

let nextKey = 1;
export const newKey = (prefix: string) => `${prefix}${nextKey++}`;

export const emptyFilter = (): FilterDraft => ({ key: newKey('f'), field: '', custom: null, operator: '', value: '', unit: 'days' });
export const emptyGroup = (): GroupDraft => ({ key: newKey('g'), filters: [emptyFilter()], nested: null });
export const emptyCondition = (logic: 'AND' | 'OR' = 'AND'): ConditionDraft => ({ key: newKey('c'), logic, groups: [emptyGroup()] });

function canonicalField(field: string): string {
  if (field.startsWith('email.')) {
    const activity = field.slice(6);
    if (ACTIVITY_ALIASES[activity]) return `email.${ACTIVITY_ALIASES[activity]}`;
  }
  return field;
}

function filterToDraft(f: SegmentFilter, knownData: Set<string>, knownEvents: Set<string>): FilterDraft {
  const field = canonicalField(f.field);
  const family = fieldFamily(field);
  const custom = family === 'data' && !knownData.has(field.slice(5)) ? 'data' : family === 'event' && !knownEvents.has(field.slice(6)) ? 'event' : null;
  const value = f.value === undefined || f.value === null ? '' : String(f.value);
  return { key: newKey('f'), field, custom, operator: f.operator, value, unit: f.unit ?? 'days' };
}

/** A stored condition as a draft; data paths and event names not in the lists open as typed-in values. */
export function conditionToDraft(c: FilterCondition | null | undefined, knownData: Set<string> = new Set(), knownEvents: Set<string> = new Set()): ConditionDraft {
  if (!c || !Array.isArray(c.groups) || c.groups.length === 0) return emptyCondition();
  return {
    key: newKey('c'),
    logic: c.logic === 'OR' ? 'OR' : 'AND',
    groups: c.groups.map((g) => ({
      key: newKey('g'),
      filters: (g.filters ?? []).map((f) => filterToDraft(f, knownData, knownEvents)),
      nested: g.conditions ? conditionToDraft(g.conditions, knownData, knownEvents) : null,
    })),
  };
}

export interface FilterProblems {
  field?: string;
  operator?: string;
  value?: string;
  unit?: string;
}

/** What is missing before a filter can be sent (the server still checks the rest). */
export function filterProblems(f: FilterDraft, dataType?: ContactFieldType): FilterProblems | null {
  const family = fieldFamily(f.field);
  const out: FilterProblems = {};
  if (!family) out.field = 'Choose a field.';
  else if (family === 'data' && !/^data\.[^.]+(\.[^.]+)*$/.test(f.field)) out.field = 'Enter a data path, e.g. plan or address.city.';
  else if (family === 'event' && f.field.length <= 'event.'.length) out.field = 'Enter an event name.';
  else if (family === 'segment' && f.field.length <= 'segment.'.length) out.field = 'Choose a segment.';
  if (family && !OPERATORS[family].includes(f.operator)) out.operator = 'Choose a condition.';
  const kind = valueKind(family, f.operator, dataType);
  if (kind === 'duration') {
    if (!/^\d+$/.test(f.value.trim()) || Number(f.value) <= 0) out.value = 'Enter a whole number greater than 0.';
  } else if (kind === 'number') {
    if (f.value.trim() === '' || !Number.isFinite(Number(f.value))) out.value = 'Enter a number.';
  } else if (kind === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}/.test(f.value.trim())) out.value = 'Enter a date.';
  } else if (kind !== 'none' && f.value.trim() === '') {
    out.value = 'Enter a value.';
  }
  return Object.keys(out).length ? out : null;
}

export type DataTypes = Map<string, ContactFieldType>;
const dataTypeOf = (field: string, types: DataTypes) => (field.startsWith('data.') ? types.get(field.slice(5)) : undefined);

/** Problems by filter key; empty when the draft can be sent. */
export function draftProblems(c: ConditionDraft, types: DataTypes): Map<string, FilterProblems> {
  const out = new Map<string, FilterProblems>();
  const walk = (cond: ConditionDraft) => {
    for (const g of cond.groups) {
      for (const f of g.filters) {
        const p = filterProblems(f, dataTypeOf(f.field, types));
        if (p) out.set(f.key, p);
      }
      if (g.nested) walk(g.nested);
    }
  };
  walk(c);
  return out;
}

/** A group with neither filters nor a nested condition (the server refuses it). */
export function emptyGroups(c: ConditionDraft): Set<string> {
  const out = new Set<string>();
  const walk = (cond: ConditionDraft) => {
    for (const g of cond.groups) {
      if (g.filters.length === 0 && !g.nested) out.add(g.key);
      if (g.nested) walk(g.nested);
    }
  };
  walk(c);
  return out;
}

export function isComplete(c: ConditionDraft, types: DataTypes): boolean {
  return c.groups.length > 0 && draftProblems(c, types).size === 0 && emptyGroups(c).size === 0;
}

function filterFromDraft(f: FilterDraft, types: DataTypes): SegmentFilter {
  const family = fieldFamily(f.field);
  const kind = valueKind(family, f.operator, dataTypeOf(f.field, types));
  const out: SegmentFilter = { field: f.field, operator: f.operator };
  if (kind === 'duration') {
    out.value = Number(f.value.trim());
    out.unit = f.unit;
  } else if (kind === 'boolean' && family === 'subscribed') {
    out.value = f.value === 'true';
  } else if (kind !== 'none') {
    // Data filters compare text to text (5 matches "5", true matches "true"), so strings are enough.
    out.value = family === 'email' ? f.value.trim() : f.value;
  }
  return out;
}

/** The API shape of a draft (call only when the draft is complete). */
export function draftToCondition(c: ConditionDraft, types: DataTypes): FilterCondition {
  return {
    logic: c.logic,
    groups: c.groups.map((g) => ({
      filters: g.filters.map((f) => filterFromDraft(f, types)),
      ...(g.nested ? { conditions: draftToCondition(g.nested, types) } : {}),
    })),
  };
}

export type FilterPart = 'field' | 'operator' | 'value' | 'unit';

export interface MappedErrors {
  /** By filter key. */
  filters: Map<string, { part: FilterPart | null; message: string }[]>;
  /** By group key. */
  groups: Map<string, string[]>;
  /** Condition-level or unplaceable messages. */
  other: string[];
}

/**
 * Places the server's field errors (`condition.groups.0.filters.1.value`, nested
 * `condition.groups.0.conditions.groups.1…`) on the rows and groups of the draft that was sent.
 */
export function mapConditionErrors(draft: ConditionDraft, errors: FieldError[], prefix = 'condition'): MappedErrors {
  const out: MappedErrors = { filters: new Map(), groups: new Map(), other: [] };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const e of errors) {
    const path = (e.field ?? '').split(/[.[\]]+/).filter(Boolean);
    if (path[0] !== prefix) {
      out.other.push(e.field ? `${e.field}: ${e.message}` : e.message);
      continue;
    }
    let cond: ConditionDraft | null = draft;
    let i = 1;
    let placed = false;
    while (cond && !placed) {
      if (path[i] !== 'groups' || path[i + 1] === undefined) break;
      const group: GroupDraft | undefined = cond.groups[Number(path[i + 1])];
      if (!group) break;
      const next = path[i + 2];
      if (next === 'filters' && path[i + 3] !== undefined) {
        const filter = group.filters[Number(path[i + 3])];
        if (filter) {
          const part = path[i + 4] as FilterPart | undefined;
          push(out.filters, filter.key, { part: part && ['field', 'operator', 'value', 'unit'].includes(part) ? part : null, message: e.message });
        } else push(out.groups, group.key, e.message);
        placed = true;
      } else if (next === 'conditions' && group.nested) {
        cond = group.nested;
        i += 3;
        if (path[i] !== 'groups') {
          push(out.groups, group.key, e.message);
          placed = true;
        }
      } else {
        push(out.groups, group.key, e.message);
        placed = true;
      }
    }
    if (!placed) out.other.push(e.message);
  }
  return out;
}

export const noErrors = (): MappedErrors => ({ filters: new Map(), groups: new Map(), other: [] });
