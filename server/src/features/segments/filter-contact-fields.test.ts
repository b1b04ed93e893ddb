import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// email, subscribed, createdAt/updatedAt filters against real rows (timestamps set directly), through
// POST /segments/preview. Time windows are relative to the injected clock.

const NOW = new Date('2030-06-15T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ clock: { now: () => NOW } });
});
afterAll(() => t.close());

async function seed(p: ProjectWithKeys, rows: { email: string; subscribed?: boolean; createdAt?: Date; updatedAt?: Date }[]) {
  await t.deps.db.insert(contacts).values(
    rows.map((r) => ({ projectId: p.id, email: r.email, subscribed: r.subscribed ?? true, createdAt: r.createdAt ?? NOW, updatedAt: r.updatedAt ?? r.createdAt ?? NOW })),
  );
}

/** The emails a single filter matches (sorted), checked against the preview count. */
async function match(p: ProjectWithKeys, filter: Record<string, unknown>): Promise<string[]> {
  const res = await t.request('POST', '/segments/preview', { key: p.secretKey, body: { condition: { logic: 'AND', groups: [{ filters: [filter] }] } } });
  expect(res.status, res.body).toBe(200);
  expect(res.json.sample.length).toBe(Math.min(res.json.count, 10));
  return res.json.sample.map((c: { email: string }) => c.email).sort();
}

describe('email', () => {
  let p: ProjectWithKeys;
  beforeAll(async () => {
    p = await t.newProject();
    await seed(p, [{ email: 'ann@acme.com' }, { email: 'bob@other.org' }, { email: 'a_b%c@acme.com' }]);
  });

  it('equals and notEquals compare case-insensitively', async () => {
    expect(await match(p, { field: 'email', operator: 'equals', value: 'ANN@Acme.com' })).toEqual(['ann@acme.com']);
    expect(await match(p, { field: 'email', operator: 'notEquals', value: ' Ann@ACME.com ' })).toEqual(['a_b%c@acme.com', 'bob@other.org']);
  });

  it('contains and notContains match substrings case-insensitively', async () => {
    expect(await match(p, { field: 'email', operator: 'contains', value: 'ACME' })).toEqual(['a_b%c@acme.com', 'ann@acme.com']);
    expect(await match(p, { field: 'email', operator: 'notContains', value: '@acme.' })).toEqual(['bob@other.org']);
  });

  it('treats LIKE wildcards in the value literally', async () => {
    expect(await match(p, { field: 'email', operator: 'contains', value: '%' })).toEqual(['a_b%c@acme.com']);
    expect(await match(p, { field: 'email', operator: 'contains', value: '_' })).toEqual(['a_b%c@acme.com']);
    expect(await match(p, { field: 'email', operator: 'notContains', value: '_b%' })).toEqual(['ann@acme.com', 'bob@other.org']);
  });
});

describe('subscribed', () => {
  it('equals and notEquals: true means subscribed, anything else unsubscribed', async () => {
    const p = await t.newProject();
    await seed(p, [{ email: 'in@x.com' }, { email: 'out@x.com', subscribed: false }]);
    expect(await match(p, { field: 'subscribed', operator: 'equals', value: true })).toEqual(['in@x.com']);
    expect(await match(p, { field: 'subscribed', operator: 'equals', value: 'true' })).toEqual(['in@x.com']);
    expect(await match(p, { field: 'subscribed', operator: 'equals', value: false })).toEqual(['out@x.com']);
    expect(await match(p, { field: 'subscribed', operator: 'equals', value: 'yes' })).toEqual(['out@x.com']);
    expect(await match(p, { field: 'subscribed', operator: 'notEquals', value: true })).toEqual(['out@x.com']);
  });
});

describe('createdAt and updatedAt', () => {
  let p: ProjectWithKeys;
  beforeAll(async () => {
    p = await t.newProject();
    await seed(p, [
      { email: 'early@x.com', createdAt: new Date('2030-06-10T00:00:00.000Z'), updatedAt: new Date('2030-06-14T23:59:59.000Z') },
      { email: 'late@x.com', createdAt: new Date('2030-06-10T23:59:59.999Z'), updatedAt: ago(30 * 60_000) },
      { email: 'next@x.com', createdAt: new Date('2030-06-11T00:00:00.000Z'), updatedAt: ago(3 * HOUR) },
      { email: 'old@x.com', createdAt: ago(40 * DAY), updatedAt: ago(40 * DAY) },
    ]);
  });

  it('equals a YYYY-MM-DD value: the whole UTC day', async () => {
    expect(await match(p, { field: 'createdAt', operator: 'equals', value: '2030-06-10' })).toEqual(['early@x.com', 'late@x.com']);
    expect(await match(p, { field: 'createdAt', operator: 'equals', value: '2030-06-10T15:00:00Z' })).toEqual(['early@x.com', 'late@x.com']);
    expect(await match(p, { field: 'updatedAt', operator: 'equals', value: '2030-06-14' })).toEqual(['early@x.com']);
  });

  it('notEquals a day: everything outside it', async () => {
    expect(await match(p, { field: 'createdAt', operator: 'notEquals', value: '2030-06-10' })).toEqual(['next@x.com', 'old@x.com']);
  });

  it('greaterThan, lessThan, greaterThanOrEqual, lessThanOrEqual compare instants', async () => {
    const edge = '2030-06-11T00:00:00.000Z';
    expect(await match(p, { field: 'createdAt', operator: 'greaterThan', value: edge })).toEqual([]);
    expect(await match(p, { field: 'createdAt', operator: 'greaterThanOrEqual', value: edge })).toEqual(['next@x.com']);
    expect(await match(p, { field: 'createdAt', operator: 'lessThan', value: edge })).toEqual(['early@x.com', 'late@x.com', 'old@x.com']);
    expect(await match(p, { field: 'createdAt', operator: 'lessThanOrEqual', value: '2030-06-10T00:00:00.000Z' })).toEqual(['early@x.com', 'old@x.com']);
  });

  it('within and olderThan count back from the clock in minutes, hours or days', async () => {
    expect(await match(p, { field: 'updatedAt', operator: 'within', value: 45, unit: 'minutes' })).toEqual(['late@x.com']);
    expect(await match(p, { field: 'updatedAt', operator: 'within', value: '4', unit: 'hours' })).toEqual(['late@x.com', 'next@x.com']);
    expect(await match(p, { field: 'updatedAt', operator: 'olderThan', value: 4, unit: 'hours' })).toEqual(['early@x.com', 'old@x.com']);
    expect(await match(p, { field: 'createdAt', operator: 'within', value: 30, unit: 'days' })).toEqual(['early@x.com', 'late@x.com', 'next@x.com']);
    expect(await match(p, { field: 'createdAt', operator: 'olderThan', value: 30, unit: 'days' })).toEqual(['old@x.com']);
  });

  it('refuses values that are not dates, and windows without a unit or a positive amount', async () => {
    const refuse = async (filter: Record<string, unknown>, field: string) => {
      const res = await t.request('POST', '/segments/preview', { key: p.secretKey, body: { condition: { logic: 'AND', groups: [{ filters: [filter] }] } } });
      expect(res.status, res.body).toBe(422);
      expect(res.json.error.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await refuse({ field: 'createdAt', operator: 'equals', value: 'yesterday' }, 'condition.groups.0.filters.0.value');
    await refuse({ field: 'createdAt', operator: 'within', value: 3 }, 'condition.groups.0.filters.0.unit');
    await refuse({ field: 'createdAt', operator: 'within', value: -3, unit: 'days' }, 'condition.groups.0.filters.0.value');
    await refuse({ field: 'createdAt', operator: 'olderThan', value: 'ten', unit: 'days' }, 'condition.groups.0.filters.0.value');
  });
});
