import type { z } from 'zod';
import type { ConditionOperator, conditionConfig } from '../step-config.js';

// CONDITION semantics (notes §4.15): `equals` is strict; notEquals, contains, notContains and the
// numeric operators are false when the field is missing (undefined or null); `contains` is a substring
// test on String(); numbers compare through Number(); exists = neither null nor undefined.
// `contact.email` compares case-insensitively (addresses are stored lowercased).

type ConditionConfig = z.infer<typeof conditionConfig>;

/** Walks a dotted path (`data.plan`, `event.items.0`); own properties only. */
export function resolveField(scope: Record<string, unknown>, field: string): unknown {
  let value: unknown = scope;
  for (const key of field.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const missing = (v: unknown) => v === undefined || v === null;

function numeric(actual: unknown, expected: unknown, cmp: (a: number, b: number) => boolean): boolean {
  if (missing(actual)) return false;
  const a = Number(actual);
  const b = Number(expected);
  return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
}

export function compare(operator: ConditionOperator, actual: unknown, expected: unknown, caseInsensitive = false): boolean {
  const fold = (v: unknown) => (caseInsensitive && typeof v === 'string' ? v.toLowerCase() : v);
  const a = fold(actual);
  const e = fold(expected);
  switch (operator) {
    case 'equals':
      return a === e;
    case 'notEquals':
      return !missing(a) && a !== e;
    case 'contains':
      return !missing(a) && String(a).includes(String(e ?? ''));
    case 'notContains':
      return !missing(a) && !String(a).includes(String(e ?? ''));
    case 'greaterThan':
      return numeric(a, e, (x, y) => x > y);
    case 'lessThan':
      return numeric(a, e, (x, y) => x < y);
    case 'greaterThanOrEqual':
      return numeric(a, e, (x, y) => x >= y);
    case 'lessThanOrEqual':
      return numeric(a, e, (x, y) => x <= y);
    case 'exists':
      return !missing(a);
    case 'notExists':
      return missing(a);
  }
}

/** The branch a CONDITION takes: binary → 'yes' | 'no'; multi → the first matching branch id, else 'default'. */
export function evaluateCondition(config: ConditionConfig, scope: Record<string, unknown>): { branch: string; actual: unknown } {
  const field = config.field.startsWith('contact.data.') ? config.field.slice('contact.'.length) : config.field;
  const actual = resolveField(scope, field);
  const ci = field === 'contact.email';
  if (config.mode === 'multi') {
    const hit = config.branches.find((b) => compare(b.operator, actual, b.value, ci));
    return { branch: hit?.id ?? 'default', actual };
  }
  return { branch: compare(config.operator, actual, config.value, ci) ? 'yes' : 'no', actual };
}
