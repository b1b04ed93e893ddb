import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import type { ProjectWithKeys } from '../projects/projects.service.js';
import { registerSegmentJobs } from './segments.jobs.js';

// Tracked membership: POST /segments/:id/compute and the segments.refresh-counts job write entry/exit
// rows and emit `segment.<slug>.entry` / `.exit` exactly once per change.

const clock = { current: new Date('2030-06-15T12:00:00.000Z'), now() { return this.current; } };
const HOUR = 3_600_000;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ clock });
});
afterAll(() => t.close());

const condition = (filters: unknown[]) => ({ logic: 'AND', groups: [{ filters }] });
const proOnly = condition([{ field: 'data.plan', operator: 'equals', value: 'pro' }]);

async function setup(p: ProjectWithKeys, body: Record<string, unknown>) {
  const segment = (await t.request('POST', '/segments', { key: p.secretKey, body })).json;
  const compute = () => t.request('POST', `/segments/${segment.id}/compute`, { key: p.secretKey });
  const events = async (kind: 'entry' | 'exit') =>
    (await t.request('GET', `/events?eventName=segment.${segment.slug}.${kind}&limit=1000`, { key: p.secretKey })).json.events as {
      contact: { email: string };
      data: Record<string, unknown>;
    }[];
  const emailsOf = async (kind: 'entry' | 'exit') => (await events(kind)).map((e) => e.contact.email).sort();
  return { segment, compute, events, emailsOf };
}
const upsert = (p: ProjectWithKeys, email: string, data: Record<string, unknown>) => t.request('POST', '/contacts', { key: p.secretKey, body: { email, data } });

describe('POST /segments/:id/compute', () => {
  it('answers 400 when the segment does not track membership', async () => {
    const p = await t.newProject();
    for (const body of [{ name: 'Untracked', condition: proOnly }, { name: 'List', type: 'STATIC' }]) {
      const s = await setup(p, body);
      const res = await s.compute();
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'BAD_REQUEST', message: 'Segment does not have membership tracking enabled' });
    }
  });

  it('emits one entry event per new member, and nothing on a second compute', async () => {
    const p = await t.newProject();
    await upsert(p, 'a@x.com', { plan: 'pro' });
    await upsert(p, 'b@x.com', { plan: 'pro' });
    await upsert(p, 'c@x.com', { plan: 'free' });
    const s = await setup(p, { name: 'VIP Customers', condition: proOnly, trackMembership: true });
    expect(s.segment.slug).toBe('vip-customers');
    const first = await s.compute();
    expect(first.status, first.body).toBe(200);
    expect(first.json).toEqual({ added: 2, removed: 0, total: 2 });
    const entries = await s.events('entry');
    expect(entries.map((e) => e.contact.email).sort()).toEqual(['a@x.com', 'b@x.com']);
    expect(entries[0].data).toEqual({ segmentId: s.segment.id, segmentName: 'VIP Customers' });

    expect((await s.compute()).json).toEqual({ added: 0, removed: 0, total: 2 });
    expect(await s.events('entry')).toHaveLength(2);
    expect(await s.events('exit')).toHaveLength(0);
    expect((await t.request('GET', `/segments/${s.segment.id}`, { key: p.secretKey })).json.memberCount).toBe(2);
  });

  it('emits exits for contacts that stopped matching and entries again when they come back', async () => {
    const p = await t.newProject();
    await upsert(p, 'a@x.com', { plan: 'pro' });
    await upsert(p, 'b@x.com', { plan: 'pro' });
    const s = await setup(p, { name: 'Pro', condition: proOnly, trackMembership: true });
    await s.compute();
    await upsert(p, 'a@x.com', { plan: 'free' });
    await upsert(p, 'c@x.com', { plan: 'pro' });
    expect((await s.compute()).json).toEqual({ added: 1, removed: 1, total: 2 });
    expect(await s.emailsOf('exit')).toEqual(['a@x.com']);
    expect(await s.emailsOf('entry')).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);

    await upsert(p, 'a@x.com', { plan: 'pro' });
    expect((await s.compute()).json).toEqual({ added: 1, removed: 0, total: 3 });
    expect(await s.emailsOf('entry')).toEqual(['a@x.com', 'a@x.com', 'b@x.com', 'c@x.com']);
    expect((await s.compute()).json).toEqual({ added: 0, removed: 0, total: 3 });
    expect(await s.events('exit')).toHaveLength(1);
  });

  it('follows time windows of the clock: a contact leaves when its event gets too old', async () => {
    const p = await t.newProject();
    await t.request('POST', '/v1/track', { key: p.publicKey, body: { event: 'visit', email: 'v@x.com' } });
    clock.current = new Date(Date.now());
    const s = await setup(p, { name: 'Recent visitors', condition: condition([{ field: 'event.visit', operator: 'triggeredWithin', value: 2, unit: 'hours' }]), trackMembership: true });
    expect((await s.compute()).json).toEqual({ added: 1, removed: 0, total: 1 });
    clock.current = new Date(clock.current.getTime() + 3 * HOUR);
    expect((await s.compute()).json).toEqual({ added: 0, removed: 1, total: 0 });
    expect(await s.emailsOf('exit')).toEqual(['v@x.com']);
  });

  it('changes each membership once when two computes run at the same time', async () => {
    const p = await t.newProject();
    for (let i = 0; i < 20; i++) await upsert(p, `m${i}@x.com`, { plan: 'pro' });
    const s = await setup(p, { name: 'Concurrent', condition: proOnly, trackMembership: true });
    const results = await Promise.all([s.compute(), s.compute(), s.compute()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.reduce((n, r) => n + r.json.added, 0)).toBe(20);
    expect(await s.events('entry')).toHaveLength(20);
  });
});

describe('the segments.refresh-counts job', () => {
  it('recounts every segment and computes the tracked ones', async () => {
    const p = await t.newProject();
    await upsert(p, 'a@x.com', { plan: 'pro' });
    const counted = await setup(p, { name: 'Counted', condition: proOnly });
    const tracked = await setup(p, { name: 'Tracked', condition: proOnly, trackMembership: true });
    const list = await setup(p, { name: 'List', type: 'STATIC' });
    await t.request('POST', `/segments/${list.segment.id}/members`, { key: p.secretKey, body: { emails: ['a@x.com'] } });
    await upsert(p, 'b@x.com', { plan: 'pro' });
    await registerSegmentJobs(t.deps.queue, t.deps);
    await t.deps.queue.enqueue('segments.refresh-counts', {});
    const count = async (id: string) => (await t.request('GET', `/segments/${id}`, { key: p.secretKey })).json.memberCount;
    await waitFor(async () => (await count(counted.segment.id)) === 2, 15_000, 'the refresh job');
    await waitFor(async () => (await count(tracked.segment.id)) === 2, 15_000, 'the tracked segment');
    expect(await tracked.emailsOf('entry')).toEqual(['a@x.com', 'b@x.com']);
    expect(await count(list.segment.id)).toBe(1);
  });
});
