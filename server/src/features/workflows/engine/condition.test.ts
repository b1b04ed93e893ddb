import { describe, expect, it } from 'vitest';
import { compare, evaluateCondition, resolveField } from './condition.js';

// CONDITION semantics (notes §4.15) on plain values; the engine tests cover them end to end.

describe('compare', () => {
  it('equals is strict', () => {
    expect(compare('equals', 5, 5)).toBe(true);
    expect(compare('equals', '5', 5)).toBe(false);
    expect(compare('equals', undefined, undefined)).toBe(true);
  });

  it('notEquals, contains, notContains and the numeric operators are false when the field is missing', () => {
    for (const op of ['notEquals', 'contains', 'notContains', 'greaterThan', 'lessThan', 'greaterThanOrEqual', 'lessThanOrEqual'] as const) {
      expect(compare(op, undefined, 1)).toBe(false);
      expect(compare(op, null, 1)).toBe(false);
    }
  });

  it('contains is a substring test on String(); numbers compare through Number()', () => {
    expect(compare('contains', 12345, 234)).toBe(true);
    expect(compare('notContains', 'abc', 'x')).toBe(true);
    expect(compare('greaterThan', '10', 9)).toBe(true);
    expect(compare('lessThanOrEqual', '9', '9')).toBe(true);
    expect(compare('greaterThan', 'abc', 1)).toBe(false);
  });

  it('exists means neither null nor undefined', () => {
    expect(compare('exists', 0, undefined)).toBe(true);
    expect(compare('exists', null, undefined)).toBe(false);
    expect(compare('notExists', undefined, undefined)).toBe(true);
  });
});

describe('evaluateCondition', () => {
  const scope = { contact: { email: 'a@b.co', subscribed: true, data: { plan: 'pro' } }, data: { plan: 'pro' }, event: { n: 3 }, workflow: { n: 3 } };

  it('resolves dotted paths, own properties only', () => {
    expect(resolveField(scope, 'event.n')).toBe(3);
    expect(resolveField(scope, 'data.constructor')).toBeUndefined();
  });

  it('maps binary results to yes/no and multi to the first matching branch or default', () => {
    expect(evaluateCondition({ field: 'contact.data.plan', operator: 'equals', value: 'pro' }, scope).branch).toBe('yes');
    expect(evaluateCondition({ field: 'contact.email', operator: 'equals', value: 'A@B.CO' }, scope).branch).toBe('yes');
    const multi = {
      mode: 'multi' as const,
      field: 'event.n',
      branches: [
        { id: 'low', name: 'Low', operator: 'lessThan' as const, value: 2 },
        { id: 'mid', name: 'Mid', operator: 'lessThan' as const, value: 5 },
        { id: 'mid2', name: 'Also mid', operator: 'lessThan' as const, value: 6 },
      ],
    };
    expect(evaluateCondition(multi, scope).branch).toBe('mid');
    expect(evaluateCondition({ ...multi, field: 'event.missing' }, scope).branch).toBe('default');
  });
});
