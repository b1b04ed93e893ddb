import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import { startDnsServer, type TestDnsServer } from '../../../../test/dns-server.js';
import { engineFixture } from '../../../../test/workflow-fixtures.js';
import { fixedOrigin } from './steps/webhook.step.js';

// WEBHOOK steps go through the SSRF guard: a local receiver is reachable only when OUTBOUND_ALLOWLIST
// names it; otherwise the step fails with the guard's reason and no connection is ever opened.

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Answers PostgreSQL cannot store as they are (jsonb refuses NUL and unpaired surrogates). */
const ODD_ANSWERS: Record<string, { type: string; body: string }> = {
  '/nul-json': { type: 'application/json', body: '{"note":"a\\u0000b"}' },
  '/nul-text': { type: 'text/plain', body: 'a\u0000b' },
  // 4000 UTF-16 units in, the stored prefix ends halfway through an emoji.
  '/emoji': { type: 'text/plain', body: `x${'\u{1F600}'.repeat(3000)}` },
};

let server: http.Server;
let base: string;
let connections = 0;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const odd = ODD_ANSWERS[req.url ?? ''];
      if (odd) return void res.writeHead(200, { 'content-type': odd.type }).end(odd.body);
      const status = req.url?.includes('fail') ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('WEBHOOK with the receiver allowlisted', () => {
  let t: TestContext;
  let fx: ReturnType<typeof engineFixture>;
  beforeAll(async () => {
    t = await createTestContext({ env: { OUTBOUND_ALLOWLIST: '127.0.0.1' } });
    await t.startWorker({ workflowPoller: false });
    fx = engineFixture(t);
  });
  afterAll(() => t.close());

  it('sends the rendered request with a Webhook-Id header and records the answer', async () => {
    const wf = await fx.flow({
      eventName: 'hooked',
      steps: [
        {
          key: 'hook',
          type: 'WEBHOOK',
          config: { url: `${base}/hook/{{ data.plan }}`, method: 'PUT', headers: { 'X-Plan': '{{ event.plan }}' }, body: { text: 'hi {{ email }}', items: ['{{ id }}', 2] } },
        },
      ],
    });
    const contactId = await fx.track('hook@example.com', 'hooked', { plan: 'pro' });
    const [e] = await fx.enrolled(wf.id);
    const done = await fx.settled(wf.id, e.id);
    expect(done.status).toBe('COMPLETED');
    const step = fx.stepOf(done, wf.steps.hook)!;
    expect(step.output).toEqual({ url: `${base}/hook/pro`, method: 'PUT', statusCode: 200, success: true, response: { ok: true } });

    const req = received.find((r) => r.url === '/hook/pro')!;
    expect(req.method).toBe('PUT');
    expect(req.headers['x-plan']).toBe('pro');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe(step.id);
    expect(JSON.parse(req.body)).toEqual({ text: 'hi hook@example.com', items: [contactId, 2] });
  });

  it('sends the default payload, and a non-2xx answer is a result rather than a failure', async () => {
    const wf = await fx.flow({ name: 'Default payload', triggerType: 'MANUAL', steps: [{ key: 'hook', type: 'WEBHOOK', config: { url: `${base}/fail` } }] });
    const contactId = await fx.contact('payload@example.com', { data: { city: 'Oslo' } });
    const started = await fx.start(wf.id, contactId, { orderId: 7 });
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('COMPLETED');
    expect(fx.stepOf(done, wf.steps.hook)?.output).toMatchObject({ method: 'POST', statusCode: 503, success: false });
    const req = received.find((r) => r.url === '/fail')!;
    expect(JSON.parse(req.body)).toEqual({
      contact: { email: 'payload@example.com', subscribed: true, data: { city: 'Oslo' } },
      workflow: { id: wf.id, name: 'Default payload' },
      execution: { id: started.json.id, startedAt: started.json.startedAt },
      event: { orderId: 7 },
    });
  });
  it('stores an answer with NUL or a split surrogate pair as clean text, sending each request once', async () => {
    const wf = await fx.flow({
      name: 'Odd answers',
      triggerType: 'MANUAL',
      steps: Object.keys(ODD_ANSWERS).map((path) => ({ key: path, type: 'WEBHOOK', config: { url: `${base}${path}` } })),
    });
    const started = await fx.start(wf.id, await fx.contact('odd@example.com'));
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('COMPLETED');
    expect(fx.stepOf(done, wf.steps['/nul-json'])?.output.response).toBe('{"note":"a\\u0000b"}');
    expect(fx.stepOf(done, wf.steps['/nul-text'])?.output.response).toBe('a\ufffdb');
    const emoji: string = fx.stepOf(done, wf.steps['/emoji'])?.output.response;
    expect(emoji).toHaveLength(4000);
    expect(emoji.endsWith('\u{1F600}\ufffd')).toBe(true);
    for (const path of Object.keys(ODD_ANSWERS)) expect(received.filter((r) => r.url === path)).toHaveLength(1);
  });
});

describe('WEBHOOK without an allowlist', () => {
  let t: TestContext;
  let fx: ReturnType<typeof engineFixture>;
  beforeAll(async () => {
    t = await createTestContext();
    await t.startWorker({ workflowPoller: false });
    fx = engineFixture(t);
  });
  afterAll(() => t.close());

  it('fails the step with the blocked reason and never connects', async () => {
    const before = connections;
    const count = received.length;
    const wf = await fx.flow({
      triggerType: 'MANUAL',
      steps: [
        { key: 'hook', type: 'WEBHOOK', config: { url: `${base}/private` } },
        { key: 'exit', type: 'EXIT' },
      ],
    });
    const started = await fx.start(wf.id, await fx.contact('blocked@example.com'));
    const done = await fx.settled(wf.id, started.json.id);
    expect(done.status).toBe('FAILED');
    const step = fx.stepOf(done, wf.steps.hook)!;
    expect(step.status).toBe('FAILED');
    expect(step.error).toMatch(/blocked/i);
    expect(step.error).toContain('127.0.0.1');
    expect(done.error).toBe(step.error);
    expect(fx.stepOf(done, wf.steps.exit)).toBeUndefined();
    expect(connections).toBe(before);
    expect(received.length).toBe(count);
  });
});

describe('WEBHOOK URL templating cannot move the request to another host', () => {
  let t: TestContext;
  let fx: ReturnType<typeof engineFixture>;
  let dns: TestDnsServer;
  let port: number;
  beforeAll(async () => {
    port = (server.address() as AddressInfo).port;
    dns = await startDnsServer();
    for (const host of ['api.hooks.test', 'api.hooks.test.evil.test', 'evil.hooks.test']) dns.setAddresses(host, ['127.0.0.1']);
    t = await createTestContext({ env: { DNS_SERVERS: dns.address, OUTBOUND_ALLOWLIST: '127.0.0.1' } });
    await t.startWorker({ workflowPoller: false });
    fx = engineFixture(t);
  });
  afterAll(async () => {
    await t?.close();
    await dns?.close();
  });

  const run = async (url: string, data: Record<string, unknown>) => {
    const wf = await fx.flow({ triggerType: 'MANUAL', steps: [{ key: 'hook', type: 'WEBHOOK', config: { url, headers: { 'X-Api-Key': 'k-secret' } } }] });
    const started = await fx.start(wf.id, await fx.contact(`${Math.random().toString(36).slice(2)}@example.com`, { data }));
    const done = await fx.settled(wf.id, started.json.id);
    return { done, step: fx.stepOf(done, wf.steps.hook)! };
  };

  it('fails the step, sending nothing, when data rendered after a fixed host changes it', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['http://api.hooks.test{{ data.path }}', { path: `.evil.test:${port}/steal` }, `http://api.hooks.test.evil.test:${port}`],
      [`http://api.hooks.test:${port}{{ data.path }}`, { path: `@evil.hooks.test:${port}/steal` }, `http://evil.hooks.test:${port}`],
      [`http://u:{{ data.pw }}@api.hooks.test:${port}/x`, { pw: `p@evil.hooks.test:${port}/` }, `http://evil.hooks.test:${port}`],
    ];
    for (const [url, data, landed] of cases) {
      const before = connections;
      const count = received.length;
      const { done, step } = await run(url, data);
      expect(done.status, url).toBe('FAILED');
      expect(step.status).toBe('FAILED');
      expect(step.error).toBe(`The rendered URL changed the host: the configured URL is on ${fixedOrigin(url)}, the rendered one on ${landed}`);
      expect(step.error).toMatch(/^The rendered URL changed the host: the configured URL is on http:\/\/api\.hooks\.test/);
      expect(connections).toBe(before);
      expect(received.length).toBe(count);
    }
  });

  it('control: the same evil URL does connect when the host is templated on purpose', async () => {
    const count = received.length;
    const { done, step } = await run('http://{{ data.target }}', { target: `api.hooks.test.evil.test:${port}/control` });
    expect(done.status).toBe('COMPLETED');
    expect(step.output).toMatchObject({ statusCode: 200 });
    expect(received.slice(count)).toMatchObject([{ url: '/control', headers: { host: `api.hooks.test.evil.test:${port}`, 'x-api-key': 'k-secret' } }]);
  });

  it('path and query templating still works, and a value in the query cannot leave it (not URL-encoded)', async () => {
    const count = received.length;
    const at = `@evil.hooks.test:${port}/steal`;
    const { done, step } = await run(`http://API.hooks.test:${port}/q/{{ data.plan }}?next={{ data.at }}`, { plan: 'pro', at });
    expect(done.status).toBe('COMPLETED');
    expect(step.output).toMatchObject({ url: `http://API.hooks.test:${port}/q/pro?next=${at}`, statusCode: 200 });
    expect(received.slice(count)).toMatchObject([{ url: `/q/pro?next=${at}`, headers: { host: `api.hooks.test:${port}`, 'x-api-key': 'k-secret' } }]);
  });

  it('knows which configured URLs fix their origin', () => {
    const cases: [string, string | null][] = [
      ['https://api.example.com{{ data.path }}', 'https://api.example.com'],
      ['https://API.example.com:443/{{ x }}', 'https://api.example.com'],
      ['http://127.0.0.1:8080?q={{ x }}', 'http://127.0.0.1:8080'],
      ['https://u:{{ pw }}@api.example.com{{ p }}', 'https://api.example.com'],
      ['  https://[::1]:8080{{ p }}', 'https://[::1]:8080'],
      ['https://{{ data.host }}/x', null],
      ['https://api-{{ region }}.example.com/', null],
      ['https://api.{{ tld }}/', null],
      ['https://api.example.com:{{ port }}/', null],
      ['https://a.test{% if x %}.evil{% endif %}/', null],
      ['{{ data.url }}', null],
    ];
    for (const [template, origin] of cases) expect(fixedOrigin(template), template).toBe(origin);
  });
});
