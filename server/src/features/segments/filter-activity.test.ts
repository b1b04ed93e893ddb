import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { contacts, emails, events } from '../../db/schema/index.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';

// `event.<name>` and `email.<activity>` filters against events and emails stored with chosen times.

const NOW = new Date('2030-06-15T12:00:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const RECENT = ago(HOUR);
const OLD = ago(10 * 24 * HOUR);

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ clock: { now: () => NOW } });
});
afterAll(() => t.close());

async function seedContacts(p: ProjectWithKeys, names: string[]): Promise<Record<string, string>> {
  const rows = await t.deps.db
    .insert(contacts)
    .values(names.map((n) => ({ projectId: p.id, email: `${n}@x.com` })))
    .returning();
  return Object.fromEntries(rows.map((r) => [r.email.split('@')[0], r.id]));
}

async function match(p: ProjectWithKeys, filter: Record<string, unknown>): Promise<string[]> {
  const res = await t.request('POST', '/segments/preview', { key: p.secretKey, body: { condition: { logic: 'AND', groups: [{ filters: [filter] }] } } });
  expect(res.status, `${JSON.stringify(filter)}: ${res.body}`).toBe(200);
  return res.json.sample.map((c: { email: string }) => c.email.split('@')[0]).sort();
}

describe('event.<name>', () => {
  let p: ProjectWithKeys;
  beforeAll(async () => {
    p = await t.newProject();
    const other = await t.newProject();
    const id = await seedContacts(p, ['a', 'b', 'c', 'd']);
    const foreign = await seedContacts(other, ['a']);
    await t.deps.db.insert(events).values([
      { projectId: p.id, contactId: id.a, name: 'purchase', createdAt: RECENT },
      { projectId: p.id, contactId: id.b, name: 'purchase', createdAt: OLD },
      { projectId: p.id, contactId: id.c, name: 'purchase', createdAt: OLD },
      { projectId: p.id, contactId: id.c, name: 'purchase', createdAt: RECENT },
      { projectId: p.id, contactId: id.d, name: 'other', createdAt: RECENT },
      { projectId: p.id, contactId: id.d, name: 'email.opened', createdAt: RECENT },
      { projectId: other.id, contactId: foreign.a, name: 'purchase', createdAt: RECENT },
    ]);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['triggered (ever)', { operator: 'triggered' }, ['a', 'b', 'c']],
    ['triggeredWithin the window', { operator: 'triggeredWithin', value: 1, unit: 'days' }, ['a', 'c']],
    ['triggeredOlderThan: has it, but none within the window', { operator: 'triggeredOlderThan', value: 24, unit: 'hours' }, ['b']],
    ['notTriggered (never)', { operator: 'notTriggered' }, ['d']],
    ['notTriggeredWithin: none in the window, never included', { operator: 'notTriggeredWithin', value: 90, unit: 'minutes' }, ['b', 'd']],
  ];
  for (const [name, filter, expected] of cases) {
    it(name, async () => {
      expect(await match(p, { field: 'event.purchase', ...filter })).toEqual(expected);
    });
  }

  it('accepts both spellings of system events', async () => {
    expect(await match(p, { field: 'event.email.open', operator: 'triggered' })).toEqual(['d']);
    expect(await match(p, { field: 'event.email.opened', operator: 'triggeredWithin', value: 2, unit: 'hours' })).toEqual(['d']);
  });

  it('refuses a missing event name and time operators without a unit', async () => {
    const bad = await t.request('POST', '/segments/preview', {
      key: p.secretKey,
      body: { condition: { logic: 'OR', groups: [{ filters: [{ field: 'event.purchase', operator: 'triggered' }, { field: 'event.', operator: 'triggered' }] }] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.errors[0].field).toBe('condition.groups.0.filters.1.field');
    const noUnit = await t.request('POST', '/segments/preview', {
      key: p.secretKey,
      body: { condition: { logic: 'AND', groups: [{ filters: [{ field: 'event.purchase', operator: 'triggeredWithin', value: 3 }] }] } },
    });
    expect(noUnit.status).toBe(422);
    expect(noUnit.json.error.errors[0].field).toBe('condition.groups.0.filters.0.unit');
  });

  it('refuses event operators on contact fields and the other way round', async () => {
    for (const filter of [{ field: 'email', operator: 'triggered' }, { field: 'event.purchase', operator: 'equals', value: 'x' }]) {
      const res = await t.request('POST', '/segments/preview', { key: p.secretKey, body: { condition: { logic: 'AND', groups: [{ filters: [filter] }] } } });
      expect(res.status).toBe(422);
      expect(res.json.error.errors[0].field).toBe('condition.groups.0.filters.0.operator');
    }
  });
});

describe('email.<activity>', () => {
  const ACTIVITIES: Record<string, keyof typeof emails.$inferInsert> = {
    sent: 'sentAt',
    delivery: 'deliveredAt',
    delivered: 'deliveredAt',
    open: 'openedAt',
    opened: 'openedAt',
    click: 'clickedAt',
    clicked: 'clickedAt',
    bounce: 'bouncedAt',
    bounced: 'bouncedAt',
    complaint: 'complainedAt',
    complained: 'complainedAt',
  };
  const projects = new Map<string, ProjectWithKeys>();

  beforeAll(async () => {
    // One project per column: a's email has it recently, b's long ago, c's email never; d has no email.
    for (const column of new Set(Object.values(ACTIVITIES))) {
      const p = await t.newProject();
      const id = await seedContacts(p, ['a', 'b', 'c', 'd']);
      const email = (contactId: string, at: Date | null) => ({
        projectId: p.id,
        contactId,
        toEmail: 'x@x.com',
        fromEmail: 'sender@example.com',
        subject: 'S',
        body: 'B',
        renderData: {},
        [column]: at,
      });
      await t.deps.db.insert(emails).values([email(id.a, RECENT), email(id.b, OLD), email(id.c, null)]);
      projects.set(column, p);
    }
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['triggered', { operator: 'triggered' }, ['a', 'b']],
    ['triggeredWithin', { operator: 'triggeredWithin', value: 2, unit: 'hours' }, ['a']],
    ['triggeredOlderThan', { operator: 'triggeredOlderThan', value: 2, unit: 'days' }, ['b']],
    ['notTriggered', { operator: 'notTriggered' }, ['c', 'd']],
    ['notTriggeredWithin', { operator: 'notTriggeredWithin', value: 30, unit: 'minutes' }, ['a', 'b', 'c', 'd']],
    ['notTriggeredWithin a longer window', { operator: 'notTriggeredWithin', value: 3, unit: 'hours' }, ['b', 'c', 'd']],
  ];

  for (const [activity, column] of Object.entries(ACTIVITIES)) {
    it(`email.${activity} reads ${column} with all five operators`, async () => {
      const p = projects.get(column)!;
      for (const [name, filter, expected] of cases) {
        expect(await match(p, { field: `email.${activity}`, ...filter }), name).toEqual(expected);
      }
    });
  }

  it('refuses activities it does not know', async () => {
    const p = projects.get('sentAt')!;
    const res = await t.request('POST', '/segments/preview', {
      key: p.secretKey,
      body: { condition: { logic: 'AND', groups: [{ filters: [{ field: 'email.forwarded', operator: 'triggered' }] }] } },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.errors[0]).toMatchObject({ field: 'condition.groups.0.filters.0.field', message: 'Unsupported filter field' });
  });
});
