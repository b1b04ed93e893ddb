import PlunkModule from '@plunk/node';
import type { Plunk as PlunkClient } from '@plunk/node/dist/lib/Plunk.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from './context.js';

// Plunk's own Node SDK (3.x) must work against Mailwright unchanged: it sends no `from`,
// adds `type: "html"`, and talks to `<baseUrl>/send` and `<baseUrl>/track`.

// The SDK is CommonJS with `exports.default`; unwrap it the way Node's ESM loader presents it.
const Plunk = ((PlunkModule as unknown as { default?: typeof PlunkClient }).default ?? PlunkModule) as unknown as typeof PlunkClient;

let t: TestContext;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestContext();
  await t.startWorker();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}/v1/`;
});
afterAll(() => t.close());

it('sends an email through @plunk/node with the project default sender', async () => {
  const plunk = new Plunk(t.project.secretKey, { baseUrl });
  const res = (await plunk.emails.send({ to: 'sdk@example.com', subject: 'From the SDK', body: '<p>Hello from Plunk SDK</p>' })) as unknown as {
    success: boolean;
    data: { emails: { email: string }[] };
  };
  expect(res.success).toBe(true);
  const id = res.data.emails[0].email;
  const email = await waitFor(async () => {
    const r = await t.request('GET', `/emails/${id}`);
    return r.json.status === 'SENT' ? r.json : null;
  });
  expect(email.from).toBe('sender@example.com');
});

it('tracks an event through @plunk/node with the public key', async () => {
  const plunk = new Plunk(t.project.publicKey, { baseUrl });
  const res = (await plunk.events.track({ event: 'sdk-event', email: 'sdk@example.com', data: { plan: 'pro' } })) as unknown as { success: boolean };
  expect(res.success).toBe(true);
});

it('surfaces our 401 to the SDK as its token error', async () => {
  const plunk = new Plunk(t.project.publicKey, { baseUrl });
  await expect(plunk.emails.send({ to: 'x@example.com', subject: 's', body: 'b' })).rejects.toThrow(/secret key/);
});
