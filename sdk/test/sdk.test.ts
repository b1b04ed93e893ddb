import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor, type TestContext } from '../../server/test/context.js';
import { Mailwright } from '../src/index.js';
import { startApi } from './server.js';

// The SDK against the real server over HTTP: keys, routes, the worker and the Dev Inbox are all real.

let t: TestContext;
let baseUrl: string;
let mw: Mailwright;
beforeAll(async () => {
  ({ t, baseUrl } = await startApi());
  mw = new Mailwright(t.project.secretKey, { baseUrl });
});
afterAll(() => t.close());

it('sends an email that the worker delivers into the Dev Inbox', async () => {
  const { data, error } = await mw.emails.send({ to: { name: 'Ada', email: 'ada@example.com' }, subject: 'Welcome {{ plan }}', body: '<p>Hi</p>', data: { plan: 'pro' } });
  expect(error).toBeNull();
  const emailId = data!.emails[0].email;
  expect(data!.emails[0].contact.email).toBe('ada@example.com');
  const sent = await waitFor(async () => {
    const r = await mw.emails.get(emailId);
    return (r.data as { status?: string } | null)?.status === 'SENT' ? (r.data as { reason: string }) : null;
  });
  expect(sent.reason).toMatch(/Dev Inbox/);
  const inbox = (await mw.inbox.list({ limit: 10 })).data as { data: { id: string; emailId: string }[] };
  const stored = inbox.data.find((m) => m.emailId === emailId)!;
  // The list shows the subject as sent; the stored MIME message is the rendered one.
  const message = await mw.inbox.get(stored.id);
  expect(JSON.stringify(message.data)).toContain('Subject: Welcome pro');
});

it('tracks an event with the public key, and the contact shows up in the list', async () => {
  const browser = new Mailwright(t.project.publicKey, { baseUrl });
  const { data, error } = await browser.track({ event: 'signed-up', email: 'grace@example.com', data: { plan: 'team' } });
  expect(error).toBeNull();
  expect(data).toMatchObject({ contact: expect.any(String), event: expect.any(String) });
  const list = await mw.contacts.list({ search: 'grace@example.com', limit: 5 });
  expect(list.error).toBeNull();
  expect(list.data!.data.map((c) => [c.email, c.data?.plan])).toEqual([['grace@example.com', 'team']]);
});

it('lists contacts page by page with the cursor', async () => {
  for (const email of ['p1@example.com', 'p2@example.com', 'p3@example.com']) {
    expect((await mw.contacts.create({ email, subscribed: true })).error).toBeNull();
  }
  const first = await mw.contacts.list({ limit: 2, search: 'p' });
  expect(first.data!.data).toHaveLength(2);
  expect(first.data!.hasMore).toBe(true);
  const second = await mw.contacts.list({ limit: 2, search: 'p', cursor: first.data!.cursor! });
  const seen = [...first.data!.data, ...second.data!.data].map((c) => c.email);
  expect(seen).toEqual(expect.arrayContaining(['p1@example.com', 'p2@example.com', 'p3@example.com']));
});

it('returns 401 INVALID_API_KEY with the request id instead of throwing', async () => {
  const wrong = new Mailwright(t.project.publicKey, { baseUrl });
  const { data, error } = await wrong.contacts.list();
  expect(data).toBeNull();
  expect(error).toMatchObject({ code: 'INVALID_API_KEY', status: 401 });
  expect(error!.requestId).toMatch(/\S{8,}/);
  const logged = t.logs.join('');
  expect(logged).toContain(error!.requestId!);
  expect(JSON.stringify(error)).not.toContain(t.project.publicKey);
});

it('returns validation errors with their field paths', async () => {
  const { error } = await mw.emails.send({ to: 'not-an-email', subject: 's', body: 'b' });
  expect(error).toMatchObject({ code: 'VALIDATION_ERROR', status: 422 });
  expect(error!.errors!.map((e) => e.field)).toContain('to');
});

it('turns a refused connection into NETWORK_ERROR after its retries', async () => {
  const attempts: string[] = [];
  const offline = new Mailwright(t.project.secretKey, {
    baseUrl: 'http://127.0.0.1:1',
    retryDelayMs: 1,
    fetch: (input, init) => (attempts.push(String(input)), fetch(input, init)),
  });
  const { data, error } = await offline.contacts.list();
  expect(data).toBeNull();
  expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0, requestId: null });
  expect(attempts).toHaveLength(3);
});

it('imports a CSV and exports the contacts as CSV text', async () => {
  const started = await mw.contacts.import('email,subscribed,company\ncsv1@example.com,true,Acme\n');
  expect(started.error).toBeNull();
  await waitFor(async () => (await mw.contacts.importStatus(started.data!.jobId)).data?.state === 'completed', 15_000, 'the import');
  const csv = await mw.contacts.export({ search: 'csv1@' });
  expect(csv.error).toBeNull();
  expect(csv.data).toContain('csv1@example.com');
});

it('reaches any route through the typed request escape hatch', async () => {
  const created = await mw.contacts.create({ email: 'raw@example.com' });
  const { data, error } = await mw.request('GET', '/contacts/{id}', { params: { id: created.data!.id } });
  expect(error).toBeNull();
  expect(data).toMatchObject({ email: 'raw@example.com' });
  const untyped = await mw.request<{ status: string }>('GET', '/health');
  expect(untyped.error).toBeNull();
});
