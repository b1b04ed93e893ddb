import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { activities, contacts, events } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
});
afterAll(() => t.close());

const create = async (email: string, extra: Record<string, unknown> = {}, key?: string) =>
  (await t.request('POST', '/contacts', { body: { email, ...extra }, key })).json as { id: string };
const bulk = (op: string, body: unknown, o: { key?: string; headers?: Record<string, string> } = {}) =>
  t.request('POST', `/contacts/bulk-${op}`, { body, ...o });
const status = (jobId: string, key?: string) => t.request('GET', `/contacts/bulk/${jobId}`, { key });
const finished = (jobId: string) =>
  waitFor(async () => {
    const res = await status(jobId);
    return ['completed', 'failed'].includes(res.json.state) && res.json;
  }, 30_000, `bulk ${jobId}`);
const stateOf = async (ids: string[]) =>
  Object.fromEntries((await t.deps.db.select().from(contacts).where(inArray(contacts.id, ids))).map((c) => [c.email, c.subscribed]));
const eventNames = async (id: string) => (await t.deps.db.select().from(events).where(eq(events.contactId, id))).map((e) => e.name);

describe('POST /contacts/bulk-* by ids', () => {
  it('unsubscribes this project\'s contacts with flip events and leaves other projects\' ids alone', async () => {
    const a = await create('ids-a@example.com');
    const b = await create('ids-b@example.com');
    const c = await create('ids-c@example.com', { subscribed: false });
    const other = await t.newProject('Other');
    const theirs = await create('ids-theirs@example.com', {}, other.secretKey);
    const res = await bulk('unsubscribe', { mode: 'ids', contactIds: [a.id, b.id, c.id, theirs.id, a.id] });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ message: 'Bulk unsubscribe queued successfully', jobId: expect.any(String) });
    const done = await finished(res.json.jobId);
    expect(done).toEqual({
      id: res.json.jobId,
      state: 'completed',
      progress: { processed: 4, total: 4, percent: 100 },
      result: { operation: 'unsubscribe', totalRequested: 4, successCount: 2, unchangedCount: 1, failureCount: 1, errors: [] },
      failedReason: null,
    });
    expect(await stateOf([a.id, b.id, c.id, theirs.id])).toEqual({
      'ids-a@example.com': false,
      'ids-b@example.com': false,
      'ids-c@example.com': false,
      'ids-theirs@example.com': true,
    });
    expect(await eventNames(a.id)).toEqual(['contact.unsubscribed']);
    expect(await eventNames(c.id)).toEqual([]);
    expect(await eventNames(theirs.id)).toEqual([]);
    const audit = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(audit.map((x) => x.type)).toEqual(['contacts.bulk-unsubscribe']);
    // The other project cannot read this job.
    expect((await status(res.json.jobId, other.secretKey)).status).toBe(404);
  });

  it('deletes only this project\'s contacts', async () => {
    const a = await create('del-a@example.com');
    const other = await t.newProject('Other 2');
    const theirs = await create('del-theirs@example.com', {}, other.secretKey);
    const done = await finished((await bulk('delete', { mode: 'ids', contactIds: [a.id, theirs.id] })).json.jobId);
    expect(done.result).toMatchObject({ successCount: 1, failureCount: 1 });
    expect(Object.keys(await stateOf([a.id, theirs.id]))).toEqual(['del-theirs@example.com']);
  });
});

describe('POST /contacts/bulk-* by query', () => {
  it('subscribes every match except the excluded ids, over several batches of 100', async () => {
    const rows = ['email,subscribed', ...Array.from({ length: 250 }, (_, i) => `query-${i}@example.com,false`), 'unrelated@example.com,false'];
    const imp = await t.request('POST', '/contacts/import', { rawBody: rows.join('\n'), headers: { 'content-type': 'text/csv' } });
    await waitFor(async () => (await t.request('GET', `/contacts/import/${imp.json.jobId}`)).json.state === 'completed', 30_000, 'import');
    const all = await t.deps.db.select().from(contacts).where(eq(contacts.projectId, t.project.id));
    const excluded = all.filter((c) => c.email === 'query-7@example.com' || c.email === 'query-8@example.com').map((c) => c.id);
    const res = await bulk('subscribe', { mode: 'query', filter: { search: 'QUERY-', subscribed: false }, excludeIds: excluded });
    const done = await finished(res.json.jobId);
    expect(done.progress).toEqual({ processed: 248, total: 248, percent: 100 });
    expect(done.result).toMatchObject({ successCount: 248, unchangedCount: 0, failureCount: 0 });
    const after = await stateOf(all.map((c) => c.id));
    expect(after['query-0@example.com']).toBe(true);
    expect(after['query-249@example.com']).toBe(true);
    expect(after['query-7@example.com']).toBe(false);
    expect(after['unrelated@example.com']).toBe(false);
    const flips = await t.deps.db.select().from(events).where(eq(events.name, 'contact.subscribed'));
    expect(flips.filter((e) => e.projectId === t.project.id)).toHaveLength(248);
  });
});

describe('bulk request validation and replays', () => {
  it('answers 422 for bad bodies', async () => {
    const ids = Array.from({ length: 1001 }, () => '00000000-0000-4000-8000-000000000000');
    for (const body of [
      { mode: 'ids', contactIds: [] },
      { mode: 'ids', contactIds: ['not-a-uuid'] },
      { mode: 'ids', contactIds: ids },
      { mode: 'query', filter: { search: 'x'.repeat(256) } },
      { mode: 'query', excludeIds: Array.from({ length: 10_001 }, () => ids[0]) },
      { mode: 'everything' },
      {},
    ]) {
      expect((await bulk('subscribe', body)).status).toBe(422);
    }
  });

  it('replays the same job for a repeated Idempotency-Key', async () => {
    const a = await create('idem-bulk@example.com');
    const headers = { 'idempotency-key': 'bulk-once' };
    const first = await bulk('unsubscribe', { mode: 'ids', contactIds: [a.id] }, { headers });
    const again = await bulk('unsubscribe', { mode: 'ids', contactIds: [a.id] }, { headers });
    expect(again.status).toBe(202);
    expect(again.json.jobId).toBe(first.json.jobId);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('is 404 RESOURCE_NOT_FOUND for unknown, malformed and import job ids', async () => {
    const imp = await t.request('POST', '/contacts/import', { rawBody: 'email\n', headers: { 'content-type': 'text/csv' } });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', imp.json.jobId]) {
      const res = await status(id);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });
});
