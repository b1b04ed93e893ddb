import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../../../test/context.js';
import { activities, backgroundJobs, contacts, events } from '../../db/schema/index.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const BOUNDARY = '----mailwright-test';
const multipart = (csv: string, field = 'file') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`;
const importCsv = (csv: string, o: { key?: string; headers?: Record<string, string> } = {}) =>
  t.request('POST', '/contacts/import', { key: o.key, rawBody: csv, headers: { 'content-type': 'text/csv', ...o.headers } });
const importMultipart = (csv: string, field?: string) =>
  t.request('POST', '/contacts/import', { rawBody: multipart(csv, field), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
const status = (jobId: string, key?: string) => t.request('GET', `/contacts/import/${jobId}`, { key });
const finished = (jobId: string) =>
  waitFor(async () => {
    const res = await status(jobId);
    return ['completed', 'failed'].includes(res.json.state) && res.json;
  }, 30_000, `import ${jobId}`);
const contactByEmail = async (email: string) =>
  (await t.deps.db.select().from(contacts).where(and(eq(contacts.projectId, t.project.id), eq(contacts.email, email))))[0];

describe('POST /contacts/import (before a worker runs)', () => {
  it('answers 202 with a job id and the job reads as queued with its row count', async () => {
    const res = await importCsv('email\nqueued-1@example.com\nqueued-2@example.com\n');
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ message: 'Import queued successfully', jobId: expect.any(String) });
    const s = await status(res.json.jobId);
    expect(s.status).toBe(200);
    expect(s.json).toEqual({ id: res.json.jobId, state: 'queued', progress: { processed: 0, total: 2, percent: 0 }, result: null, failedReason: null });
  });

  it('resumes a crashed run after the rows it had already committed', async () => {
    const res = await importCsv('email\nskipped-1@example.com\nskipped-2@example.com\nresumed@example.com\n');
    // As if a first run had committed two rows and then died.
    await t.deps.db
      .update(backgroundJobs)
      .set({ status: 'RUNNING', processed: 2, result: { imported: 2, created: 2, updated: 0, failed: 0, errors: [] } })
      .where(eq(backgroundJobs.id, res.json.jobId));
    await t.startWorker();
    const done = await finished(res.json.jobId);
    expect(done.result).toMatchObject({ imported: 3, created: 3, failed: 0 });
    expect(await contactByEmail('skipped-1@example.com')).toBeUndefined();
    expect(await contactByEmail('resumed@example.com')).toBeDefined();
    const [row] = await t.deps.db.select().from(backgroundJobs).where(eq(backgroundJobs.id, res.json.jobId));
    expect(row.input).toBeNull();
  });
});

describe('POST /contacts/import', () => {
  beforeAll(() => t.startWorker());

  it('imports quoted fields and custom columns, reports bad rows by file line, merges repeated emails', async () => {
    const csv = [
      'name,Email,"first name",subscribed,plan',
      'x,alice@example.com,"Alice ""Al"" Smith",true,pro',
      'y,not-an-email,Bob,,free',
      'z,carol@example.com,"Carol\r\nMulti",false,',
      'w,,Nobody,,',
      'v,ALICE@example.com,,,"enterprise, gold"',
      'u,dan@example.com,Dan,maybe,',
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(202);
    const done = await finished(res.json.jobId);
    expect(done).toEqual({
      id: res.json.jobId,
      state: 'completed',
      progress: { processed: 6, total: 6, percent: 100 },
      result: {
        imported: 3,
        created: 2,
        updated: 0,
        failed: 3,
        errors: [
          { row: 3, email: 'not-an-email', reason: 'Invalid email address' },
          { row: 6, email: '', reason: 'Email is missing' },
          { row: 8, email: 'dan@example.com', reason: expect.stringContaining('Invalid subscribed value') },
        ],
      },
      failedReason: null,
    });
    expect(await contactByEmail('alice@example.com')).toMatchObject({ subscribed: true, data: { name: 'v', 'first name': 'Alice "Al" Smith', plan: 'enterprise, gold' } });
    expect(await contactByEmail('carol@example.com')).toMatchObject({ subscribed: false, data: { name: 'z', 'first name': 'Carol\r\nMulti' } });
    const audit = await t.deps.db.select().from(activities).where(eq(activities.requestId, res.headers['x-request-id']));
    expect(audit.map((a) => a.type)).toEqual(['contacts.imported']);
  });

  it('accepts a multipart upload in the "file" field and updates existing contacts with flip events', async () => {
    const existing = (await t.request('POST', '/contacts', { body: { email: 'flip@example.com', data: { keep: 1 } } })).json;
    const res = await importMultipart('email,subscribed,city\nflip@example.com,no,Paris\nfresh@example.com,,\n');
    expect(res.status).toBe(202);
    const done = await finished(res.json.jobId);
    expect(done.result).toMatchObject({ imported: 2, created: 1, updated: 1, failed: 0 });
    expect(await contactByEmail('flip@example.com')).toMatchObject({ subscribed: false, data: { keep: 1, city: 'Paris' } });
    expect(await contactByEmail('fresh@example.com')).toMatchObject({ subscribed: true, data: null });
    const evs = await t.deps.db.select().from(events).where(eq(events.contactId, existing.id));
    expect(evs.map((e) => e.name)).toEqual(['contact.unsubscribed']);
  });

  it('refuses a multipart upload without a "file" field with 422', async () => {
    const res = await importMultipart('email\na@example.com\n', 'upload');
    expect(res.status).toBe(422);
  });

  it('works through batches of 500 and repeated emails across batches', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `batch-${i % 1100}@example.com,${i}`);
    const res = await importCsv(['email,n', ...rows].join('\n'));
    const done = await finished(res.json.jobId);
    expect(done.progress).toEqual({ processed: 1200, total: 1200, percent: 100 });
    expect(done.result).toMatchObject({ imported: 1200, created: 1100, updated: 100, failed: 0 });
    expect((await contactByEmail('batch-5@example.com')).data).toEqual({ n: '1105' });
  });

  it('refuses files over 5 MB with 413, as text/csv and as multipart', async () => {
    const big = 'email,pad\n' + `a@example.com,${'x'.repeat(1000)}\n`.repeat(5300);
    for (const res of [await importCsv(big), await importMultipart(big)]) {
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('refuses an empty file with 422 and requires the secret key', async () => {
    expect((await importCsv('')).status).toBe(422);
    expect((await importCsv('email\n', { key: t.project.publicKey })).status).toBe(401);
  });

  it('replays the same job for a repeated Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'import-once' };
    const first = await importCsv('email\nidem@example.com\n', { headers });
    const again = await importCsv('email\nidem@example.com\n', { headers });
    expect(again.json.jobId).toBe(first.json.jobId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await importCsv('email\nother@example.com\n', { headers })).status).toBe(422);
  });
});

describe('GET /contacts/import/:jobId', () => {
  it('is 404 RESOURCE_NOT_FOUND for another project, unknown ids and ids that are not UUIDs', async () => {
    const res = await importCsv('email\nmine@example.com\n');
    const other = await t.newProject('Other');
    for (const r of [await status(res.json.jobId, other.secretKey), await status('00000000-0000-4000-8000-000000000000'), await status('nope')]) {
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });
});
