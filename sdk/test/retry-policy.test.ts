import { expect, it } from 'vitest';
import { Mailwright } from '../src/index.js';

// Answers the real server cannot be made to give on demand (a 503, a proxy's HTML page, a hang) come from a
// scripted fetch here; everything else is tested against the server itself.

function scripted(...answers: (() => Response | Promise<Response>)[]) {
  const seen: { key: string | null }[] = [];
  const fetchImpl: typeof fetch = async (_input, init) => {
    seen.push({ key: new Headers(init?.headers).get('idempotency-key') });
    const next = answers[Math.min(seen.length - 1, answers.length - 1)];
    return next();
  };
  return { fetch: fetchImpl, seen };
}

const apiError = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ success: false, error: { code, message: code, statusCode: status, requestId: `req-${status}` } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const ok = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

it('retries a 503 with the same Idempotency-Key and returns the later success', async () => {
  const net = scripted(() => apiError(503, 'SERVICE_UNAVAILABLE', { 'retry-after': '0' }), () => ok({ success: true, data: { contact: 'c', event: 'e', timestamp: 't' } }));
  const mw = new Mailwright('pk_test', { fetch: net.fetch, retryDelayMs: 1 });
  const { data, error } = await mw.track({ event: 'x', email: 'a@example.com' });
  expect(error).toBeNull();
  expect(data).toEqual({ contact: 'c', event: 'e', timestamp: 't' });
  expect(net.seen).toHaveLength(2);
  expect(net.seen[1].key).toBe(net.seen[0].key);
});

it('gives up after its retries and returns the last error', async () => {
  const net = scripted(() => apiError(500, 'INTERNAL_SERVER_ERROR'));
  const mw = new Mailwright('sk_test', { fetch: net.fetch, retries: 3, retryDelayMs: 1 });
  const { error } = await mw.contacts.create({ email: 'a@example.com' });
  expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 500, requestId: 'req-500' });
  expect(net.seen).toHaveLength(4);
});

it('does not retry BILLING_LIMIT_EXCEEDED, which waiting will not fix', async () => {
  const net = scripted(() => apiError(429, 'BILLING_LIMIT_EXCEEDED'));
  const mw = new Mailwright('sk_test', { fetch: net.fetch, retryDelayMs: 1 });
  const { error } = await mw.emails.send({ to: 'a@example.com', subject: 's', body: 'b' });
  expect(error).toMatchObject({ code: 'BILLING_LIMIT_EXCEEDED', status: 429 });
  expect(net.seen).toHaveLength(1);
});

it('reports a non-Mailwright error page as UNEXPECTED_RESPONSE with the X-Request-ID header', async () => {
  const net = scripted(() => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'x-request-id': 'edge-1' } }));
  const mw = new Mailwright('sk_test', { fetch: net.fetch, retries: 0 });
  const { error } = await mw.contacts.list();
  expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502, requestId: 'edge-1' });
});

it('times out a hanging attempt as TIMEOUT, and ABORTED when the caller aborts', async () => {
  const hang: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  const mw = new Mailwright('sk_test', { fetch: hang, timeoutMs: 20, retries: 1, retryDelayMs: 1 });
  expect((await mw.contacts.list()).error).toMatchObject({ code: 'TIMEOUT', status: 0 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  const slow = new Mailwright('sk_test', { fetch: hang, timeoutMs: 5_000 });
  expect((await slow.contacts.list(undefined, { signal: controller.signal })).error).toMatchObject({ code: 'ABORTED' });
});
