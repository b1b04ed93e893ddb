import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestContext } from '../../server/test/context.js';
import { Mailwright } from '../src/index.js';
import { recordingFetch, startApi } from './server.js';

// Retries against the real server: a write whose response is lost is replayed under the same
// Idempotency-Key (the server answers from its stored result), so it happens once.
// Send limits are tiny here (burst 2, 1/s) so that a real 429 with Retry-After can be provoked.

let t: TestContext;
let baseUrl: string;
beforeAll(async () => {
  ({ t, baseUrl } = await startApi({ RATE_LIMIT_SEND_BURST: '2', RATE_LIMIT_SEND_PER_SECOND: '1' }));
});
afterAll(() => t.close());

async function emailsTo(address: string): Promise<number> {
  const res = await t.request('GET', '/emails?limit=100');
  return (res.json.data as { to: string }[]).filter((e) => e.to === address).length;
}

it('retries a send whose response was lost with the same Idempotency-Key, and the email exists once', async () => {
  const net = recordingFetch((n) => n === 1);
  const mw = new Mailwright(t.project.secretKey, { baseUrl, retryDelayMs: 1, fetch: net.fetch });
  const { data, error } = await mw.emails.send({ to: 'once@example.com', subject: 'Once', body: '<p>only once</p>' });
  expect(error).toBeNull();
  expect(net.attempts.map((a) => [a.status, a.replayed])).toEqual([
    [200, false],
    [200, true],
  ]);
  expect(net.attempts[0].idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
  expect(net.attempts[1].idempotencyKey).toBe(net.attempts[0].idempotencyKey);
  expect(await emailsTo('once@example.com')).toBe(1);
  expect(data!.emails[0].contact.email).toBe('once@example.com');
});

it('uses the caller’s Idempotency-Key, so a repeated call returns the first result', async () => {
  const mw = new Mailwright(t.project.secretKey, { baseUrl });
  const first = await mw.contacts.create({ email: 'keyed@example.com', data: { n: 1 } }, { idempotencyKey: 'signup-42' });
  const again = await mw.contacts.create({ email: 'keyed@example.com', data: { n: 1 } }, { idempotencyKey: 'signup-42' });
  expect(again.data).toEqual(first.data);
  const other = await mw.contacts.create({ email: 'keyed@example.com', data: { n: 2 } }, { idempotencyKey: 'signup-42' });
  expect(other.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_MISMATCH', status: 422 });
});

it('waits out a 429 (Retry-After) and then succeeds; with retries off it returns RATE_LIMIT_EXCEEDED', async () => {
  const net = recordingFetch();
  const mw = new Mailwright(t.project.secretKey, { baseUrl, fetch: net.fetch });
  const send = (to: string, retries?: number) => mw.emails.send({ to, subject: 'Limited', body: 'b' }, { retries });
  // The limiter counts in fixed windows: if one turns between the refusal and the next call, try again.
  for (let round = 0; round < 3; round++) {
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await send(`r${round}-${i}@example.com`, 0);
      if (res.error) refused = res;
    }
    expect(refused!.error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', status: 429 });
    expect(refused!.error!.requestId).toBeTruthy();
    net.attempts.length = 0;
    const waited = await send(`waited-${round}@example.com`);
    expect(waited.error).toBeNull();
    if (net.attempts[0].status !== 429) continue;
    expect(net.attempts.at(-1)!.status).toBe(200);
    expect(new Set(net.attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    return;
  }
  throw new Error('never saw a 429 that the client waited out');
});

it('does not retry a 4xx that retrying cannot fix', async () => {
  const net = recordingFetch();
  const mw = new Mailwright(t.project.secretKey, { baseUrl, retryDelayMs: 1, fetch: net.fetch });
  const { error } = await mw.contacts.get('00000000-0000-0000-0000-000000000000');
  expect(error!.status).toBe(404);
  expect(net.attempts).toHaveLength(1);
});

it('sends no Idempotency-Key on reads', async () => {
  const net = recordingFetch();
  const mw = new Mailwright(t.project.secretKey, { baseUrl, fetch: net.fetch });
  await mw.contacts.list();
  expect(net.attempts[0].idempotencyKey).toBeNull();
});
