import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// Groups, nesting and validation of the grammar, and `segment.<id>` references (membership, inlining, cycles).

let t: TestContext;
let p: ProjectWithKeys;
beforeAll(async () => {
  t = await createTestContext();
  p = await t.newProject();
  await t.deps.db.insert(contacts).values(
    [
      { email: 'a@x.com', subscribed: true, data: { plan: 'pro', country: 'NO' } },
      { email: 'b@x.com', subscribed: false, data: { plan: 'pro', country: 'SE' } },
      { email: 'c@x.com', subscribed: true, data: { plan: 'free', country: 'NO' } },
      { email: 'd@x.com', subscribed: true, data: { plan: 'free', country: 'DK' } },
    ].map((r) => ({ ...r, projectId: p.id })),
  );
});
afterAll(() => t.close());

type Body = Record<string, unknown>;
const f = (field: string, operator: string, value?: unknown) => ({ field, operator, value });
const preview = (condition: unknown, project = p) => t.request('POST', '/segments/preview', { key: project.secretKey, body: { condition } });
async function match(condition: unknown): Promise<string[]> {
  const res = await preview(condition);
  expect(res.status, res.body).toBe(200);
  return res.json.sample.map((c: { email: string }) => c.email[0]).sort();
}
const create = (body: Body, project = p) => t.request('POST', '/segments', { key: project.secretKey, body });
const one = (...filters: unknown[]) => ({ logic: 'AND', groups: [{ filters }] });

describe('groups and nesting', () => {
  it('ANDs the filters of a group', async () => {
    expect(await match(one(f('data.plan', 'equals', 'pro'), f('subscribed', 'equals', true)))).toEqual(['a']);
  });

  it('combines groups with AND or OR', async () => {
    const groups = [{ filters: [f('data.plan', 'equals', 'pro')] }, { filters: [f('data.country', 'equals', 'NO')] }];
    expect(await match({ logic: 'AND', groups })).toEqual(['a']);
    expect(await match({ logic: 'OR', groups })).toEqual(['a', 'b', 'c']);
  });

  it('ANDs a nested condition with its group, and nests OR inside AND', async () => {
    const nested = { logic: 'OR', groups: [{ filters: [f('data.country', 'equals', 'SE')] }, { filters: [f('data.country', 'equals', 'DK')] }] };
    expect(await match({ logic: 'AND', groups: [{ filters: [f('data.plan', 'equals', 'free')], conditions: nested }] })).toEqual(['d']);
    expect(await match({ logic: 'AND', groups: [{ filters: [], conditions: nested }] })).toEqual(['b', 'd']);
    const deep = { logic: 'OR', groups: [{ filters: [f('email', 'equals', 'a@x.com')] }, { filters: [], conditions: { logic: 'AND', groups: [{ filters: [], conditions: nested }] } }] };
    expect(await match(deep)).toEqual(['a', 'b', 'd']);
  });

  it('refuses an empty group, an empty condition and an unknown logic', async () => {
    const empty = await preview({ logic: 'AND', groups: [{ filters: [] }] });
    expect(empty.status).toBe(422);
    expect(empty.json.error.errors[0]).toMatchObject({ field: 'condition.groups.0', message: 'Group must have at least one filter or nested condition' });
    expect((await preview({ logic: 'AND', groups: [] })).status).toBe(422);
    expect((await preview({ logic: 'XOR', groups: [{ filters: [f('email', 'equals', 'a@x.com')] }] })).status).toBe(422);
  });

  it('refuses unsupported fields and unknown operators, naming the filter', async () => {
    const res = await preview({ logic: 'AND', groups: [{ filters: [f('email', 'equals', 'a@x.com'), f('purchase', 'triggered')] }] });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('VALIDATION_ERROR');
    expect(res.json.error.errors).toEqual([expect.objectContaining({ field: 'condition.groups.0.filters.1.field', message: 'Unsupported filter field' })]);
    const op = await preview(one(f('email', 'like', 'a')));
    expect(op.json.error.errors[0].field).toBe('condition.groups.0.filters.0.operator');
    const nested = await preview({ logic: 'AND', groups: [{ filters: [], conditions: one(f('id', 'equals', 'x')) }] });
    expect(nested.json.error.errors[0].field).toBe('condition.groups.0.conditions.groups.0.filters.0.field');
  });

  it('refuses conditions nested more than 5 levels deep', async () => {
    let condition: Body = one(f('email', 'contains', 'x'));
    for (let i = 0; i < 5; i++) condition = { logic: 'AND', groups: [{ filters: [], conditions: condition }] };
    const res = await preview(condition);
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0].message).toMatch(/nest at most 5/);
  });
});

describe('segment.<id>', () => {
  it('memberOfSegment / notMemberOfSegment read a STATIC segment\'s members', async () => {
    const s = await create({ name: 'Chosen', type: 'STATIC' });
    await t.request('POST', `/segments/${s.json.id}/members`, { key: p.secretKey, body: { emails: ['a@x.com', 'c@x.com'] } });
    expect(await match(one(f(`segment.${s.json.id}`, 'memberOfSegment')))).toEqual(['a', 'c']);
    expect(await match(one(f(`segment.${s.json.id}`, 'notMemberOfSegment')))).toEqual(['b', 'd']);
    expect(await match(one(f(`segment.${s.json.id.toUpperCase()}`, 'memberOfSegment'), f('data.plan', 'equals', 'free')))).toEqual(['c']);
  });

  it('inlines an untracked DYNAMIC segment, recursively', async () => {
    const pro = await create({ name: 'Pro', condition: one(f('data.plan', 'equals', 'pro')) });
    const proNo = await create({ name: 'Pro NO', condition: one(f(`segment.${pro.json.id}`, 'memberOfSegment'), f('data.country', 'equals', 'NO')) });
    expect(proNo.json.memberCount).toBe(1);
    expect(await match(one(f(`segment.${proNo.json.id}`, 'memberOfSegment')))).toEqual(['a']);
    expect(await match(one(f(`segment.${proNo.json.id}`, 'notMemberOfSegment')))).toEqual(['b', 'c', 'd']);
  });

  it('reads a tracked DYNAMIC segment from its computed membership rows', async () => {
    const tracked = await create({ name: 'Tracked free', condition: one(f('data.plan', 'equals', 'free')), trackMembership: true });
    const ref = one(f(`segment.${tracked.json.id}`, 'memberOfSegment'));
    expect(await match(ref)).toEqual([]); // not computed yet
    await t.request('POST', `/segments/${tracked.json.id}/compute`, { key: p.secretKey });
    expect(await match(ref)).toEqual(['c', 'd']);
  });

  it('refuses a missing segment, a malformed id and another project\'s segment with 422', async () => {
    const other = await t.newProject();
    const foreign = await create({ name: 'Theirs', condition: one(f('email', 'contains', '@')) }, other);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', foreign.json.id]) {
      const res = await preview({ logic: 'OR', groups: [{ filters: [f('email', 'contains', 'x')] }, { filters: [f(`segment.${id}`, 'memberOfSegment')] }] });
      expect(res.status, res.body).toBe(422);
      expect(res.json.error.errors[0]).toMatchObject({ field: 'condition.groups.1.filters.0.field', code: 'segment_not_found' });
    }
  });

  it('refuses self-reference on update', async () => {
    const s = await create({ name: 'Selfish', condition: one(f('email', 'contains', 'x')) });
    const res = await t.request('PATCH', `/segments/${s.json.id}`, { key: p.secretKey, body: { condition: one(f(`segment.${s.json.id}`, 'memberOfSegment')) } });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toBe('A segment cannot reference itself');
    expect(res.json.error.errors[0].field).toBe('condition.groups.0.filters.0.field');
  });

  it('refuses cycles through other segments, tracked or not', async () => {
    const a = await create({ name: 'Cycle A', condition: one(f('email', 'contains', 'x')) });
    const b = await create({ name: 'Cycle B', condition: one(f(`segment.${a.json.id}`, 'memberOfSegment')), trackMembership: true });
    const c = await create({ name: 'Cycle C', condition: one(f(`segment.${b.json.id}`, 'notMemberOfSegment')) });
    const res = await t.request('PATCH', `/segments/${a.json.id}`, { key: p.secretKey, body: { condition: one(f(`segment.${c.json.id}`, 'memberOfSegment')) } });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toBe('Circular segment reference detected');
    // A diamond (two paths to the same segment) is not a cycle.
    const d = await create({ name: 'Diamond', condition: { logic: 'OR', groups: [{ filters: [f(`segment.${b.json.id}`, 'memberOfSegment')] }, { filters: [f(`segment.${c.json.id}`, 'memberOfSegment')] }] } });
    expect(d.status, d.body).toBe(201);
  });
});
