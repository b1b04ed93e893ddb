import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// `data.<path>` filters against real rows, through POST /segments/preview.

const NOW = new Date('2030-06-15T12:00:00.000Z');

let t: TestContext;
let p: ProjectWithKeys;
beforeAll(async () => {
  t = await createTestContext({ clock: { now: () => NOW } });
  p = await t.newProject();
  await t.deps.db.insert(contacts).values(
    [
      { email: 'a@x.com', data: { plan: 'Pro', seats: 5, score: '42', vip: true, tags: ['beta', 'early'], address: { city: 'Oslo' }, renewsAt: '2030-06-14T08:00:00.000Z', "it's \"odd\" key": 'yes' } },
      { email: 'b@x.com', data: { plan: 'free', seats: 12, score: '7', vip: false, tags: ['churned'], address: { city: 'Bergen' }, renewsAt: '2030-04-01T00:00:00.000Z', nothing: null } },
      { email: 'c@x.com', data: { plan: 'pro-plus', seats: '5', score: 'n/a', renewsAt: '2030-06-15' } },
      { email: 'd@x.com', data: null },
    ].map((r) => ({ ...r, projectId: p.id })),
  );
});
afterAll(() => t.close());

const condition = (filter: Record<string, unknown>) => ({ logic: 'AND', groups: [{ filters: [filter] }] });
const preview = (filter: Record<string, unknown>) => t.request('POST', '/segments/preview', { key: p.secretKey, body: { condition: condition(filter) } });

async function match(field: string, operator: string, value?: unknown, unit?: string): Promise<string[]> {
  const res = await preview({ field, operator, value, unit });
  expect(res.status, res.body).toBe(200);
  return res.json.sample.map((c: { email: string }) => c.email).sort();
}

describe('data equals and notEquals', () => {
  it('equals compares text, so 5 matches both 5 and "5"; strings are case-sensitive', async () => {
    expect(await match('data.plan', 'equals', 'Pro')).toEqual(['a@x.com']);
    expect(await match('data.plan', 'equals', 'pro')).toEqual([]);
    expect(await match('data.seats', 'equals', 5)).toEqual(['a@x.com', 'c@x.com']);
    expect(await match('data.seats', 'equals', '12')).toEqual(['b@x.com']);
    expect(await match('data.vip', 'equals', true)).toEqual(['a@x.com']);
    expect(await match('data.address.city', 'equals', 'Bergen')).toEqual(['b@x.com']);
  });

  it('equals a date string compares the whole UTC day', async () => {
    expect(await match('data.renewsAt', 'equals', '2030-06-14')).toEqual(['a@x.com']);
    expect(await match('data.renewsAt', 'equals', '2030-06-15T23:00:00Z')).toEqual(['c@x.com']);
  });

  it('notEquals is the complement of equals, contacts without the key included', async () => {
    expect(await match('data.plan', 'notEquals', 'Pro')).toEqual(['b@x.com', 'c@x.com', 'd@x.com']);
    expect(await match('data.seats', 'notEquals', 5)).toEqual(['b@x.com', 'd@x.com']);
  });
});

describe('data contains and notContains', () => {
  it('matches substrings case-insensitively, and array elements exactly', async () => {
    expect(await match('data.plan', 'contains', 'PRO')).toEqual(['a@x.com', 'c@x.com']);
    expect(await match('data.tags', 'contains', 'beta')).toEqual(['a@x.com']);
    expect(await match('data.tags', 'contains', 'bet')).toEqual([]);
    expect(await match('data.plan', 'contains', '%')).toEqual([]);
  });

  it('notContains is the complement, contacts without the key included', async () => {
    expect(await match('data.plan', 'notContains', 'pro')).toEqual(['b@x.com', 'd@x.com']);
    expect(await match('data.tags', 'notContains', 'churned')).toEqual(['a@x.com', 'c@x.com', 'd@x.com']);
  });
});

describe('data comparisons', () => {
  it('compare numerically when both sides are numbers or numeric strings', async () => {
    expect(await match('data.seats', 'greaterThan', 5)).toEqual(['b@x.com']);
    expect(await match('data.seats', 'greaterThanOrEqual', '5')).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(await match('data.seats', 'lessThan', 12)).toEqual(['a@x.com', 'c@x.com']);
    expect(await match('data.seats', 'lessThanOrEqual', 4)).toEqual([]);
    // "42" > 10 numerically (lexicographically it would not be); "n/a" compares as text.
    expect(await match('data.score', 'greaterThan', 10)).toEqual(['a@x.com', 'c@x.com']);
  });

  it('compare lexicographically otherwise', async () => {
    // Byte order: "Pro" < "free" < "pro-plus".
    expect(await match('data.plan', 'greaterThan', 'free')).toEqual(['c@x.com']);
    expect(await match('data.plan', 'lessThanOrEqual', 'free')).toEqual(['a@x.com', 'b@x.com']);
    expect(await match('data.plan', 'lessThan', 'Pro')).toEqual([]);
    expect(await match('data.renewsAt', 'greaterThanOrEqual', '2030-06-14')).toEqual(['a@x.com', 'c@x.com']);
  });
});

describe('data exists, notExists, within, olderThan', () => {
  it('exists means present and not JSON null; notExists is the rest', async () => {
    expect(await match('data.address', 'exists')).toEqual(['a@x.com', 'b@x.com']);
    expect(await match('data.address.city', 'exists')).toEqual(['a@x.com', 'b@x.com']);
    expect(await match('data.nothing', 'exists')).toEqual([]);
    expect(await match('data.nothing', 'notExists')).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
    expect(await match('data.address', 'notExists')).toEqual(['c@x.com', 'd@x.com']);
  });

  it('within and olderThan compare ISO strings with the clock', async () => {
    expect(await match('data.renewsAt', 'within', 2, 'days')).toEqual(['a@x.com', 'c@x.com']);
    expect(await match('data.renewsAt', 'within', 6, 'hours')).toEqual([]);
    expect(await match('data.renewsAt', 'olderThan', 30, 'days')).toEqual(['b@x.com']);
    expect(await match('data.plan', 'within', 30, 'days')).toEqual([]);
  });
});

describe('odd paths and hostile values', () => {
  it('binds odd key names as parameters', async () => {
    expect(await match(`data.it's "odd" key`, 'equals', 'yes')).toEqual(['a@x.com']);
  });

  it('treats SQL in a value or a path segment as data: no match, no error', async () => {
    const attacks = ["' or '1'='1", "x'); delete from contacts; --", '1) or (1=1', '{plan}'];
    for (const attack of attacks) {
      expect(await match('data.plan', 'equals', attack), attack).toEqual([]);
      expect(await match('data.plan', 'contains', attack), attack).toEqual([]);
      expect(await match(`data.${attack}`, 'exists'), attack).toEqual([]);
      expect(await match(`data.plan.${attack}`, 'equals', 'Pro'), attack).toEqual([]);
      expect(await match('email', 'equals', attack), attack).toEqual([]);
      expect(await match(`event.${attack}`, 'triggered'), attack).toEqual([]);
    }
    const all = await match('data.plan', 'notEquals', 'nobody');
    expect(all).toHaveLength(4);
  });

  it('refuses empty segments, control characters and paths deeper than 10 levels', async () => {
    for (const field of ['data.', 'data.a..b', 'data.a\u0000b', 'data.a\nb', `data.${Array(11).fill('k').join('.')}`]) {
      const res = await preview({ field, operator: 'exists' });
      expect(res.status, `${JSON.stringify(field)}: ${res.body}`).toBe(422);
      expect(res.json.error.errors[0].field).toBe('condition.groups.0.filters.0.field');
    }
  });

  it('refuses operators that need a value without one', async () => {
    const res = await preview({ field: 'data.plan', operator: 'contains' });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0]).toMatchObject({ field: 'condition.groups.0.filters.0.value', message: 'Operator "contains" needs a value' });
  });
});
