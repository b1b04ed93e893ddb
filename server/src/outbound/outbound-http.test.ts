import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { startDnsServer, type TestDnsServer } from '../../test/dns-server.js';
import {
  createOutboundClient,
  OutboundBlockedError,
  OutboundNetworkError,
  OutboundTimeoutError,
  OutboundTooManyRedirectsError,
  type OutboundClient,
} from './outbound-client.js';
import { startCountingListener, startTestHttpServer, type TestHttpServer } from '../../test/outbound-servers.js';

// The client as features get it (createOutboundClient(deps) on the app's DNS resolver and
// OUTBOUND_ALLOWLIST), against real local servers that the allowlist lets through.

let dns: TestDnsServer;
let t: TestContext;
let server: TestHttpServer;
let client: OutboundClient;
let base: string;
const HOST = 'hooks.internal.test';

beforeAll(async () => {
  dns = await startDnsServer();
  dns.setAddresses(HOST, ['127.0.0.1']);
  server = await startTestHttpServer('127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
  t = await createTestContext({ env: { DNS_SERVERS: dns.address, OUTBOUND_ALLOWLIST: '127.0.0.1' } });
  client = createOutboundClient(t.deps);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
  await dns?.close();
});

const withAllowlist = (allowlist: string[]) => createOutboundClient({ dns: t.deps.dns, config: { outbound: { allowlist } } });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as Error & { reason?: string; causeCode?: string });

describe('allowlisted request', () => {
  it('delivers method, headers and JSON body, and returns status, headers and body', async () => {
    const payload = { contact: { email: 'a@b.test' }, n: 1 };
    const res = await client.request({
      url: `${base}/echo?x=1`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k-123', Host: 'evil.test' },
      body: JSON.stringify(payload),
    });
    expect(res).toMatchObject({ status: 201, truncated: false, url: `${base}/echo?x=1`, redirects: 0 });
    expect(res.headers['x-reply']).toBe('yes');
    const seen = JSON.parse(res.body);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/echo?x=1');
    expect(JSON.parse(seen.body)).toEqual(payload);
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'x-api-key': 'k-123', host: `127.0.0.1:${server.port}` });
  });

  it('sends no body with GET', async () => {
    const res = await client.request({ url: `${base}/echo`, method: 'GET', body: 'ignored' });
    expect(JSON.parse(res.body)).toMatchObject({ method: 'GET', body: '' });
  });

  it('resolves host names through the app resolver and keeps the name in Host', async () => {
    const res = await client.request({ url: `http://${HOST}:${server.port}/echo`, method: 'PUT', body: 'x' });
    expect(JSON.parse(res.body)).toMatchObject({ method: 'PUT', headers: { host: `${HOST}:${server.port}` } });
  });

  it('a host-name entry allows that name only (case-insensitive), not its address typed directly', async () => {
    const byName = withAllowlist([HOST.toUpperCase()]);
    expect((await byName.request({ url: `http://${HOST}.:${server.port}/echo` })).status).toBe(201);
    expect(await failure(byName.request({ url: `${base}/echo` }))).toBeInstanceOf(OutboundBlockedError);
  });

  it('CIDR entries (IPv4, and IPv4-mapped IPv6) allow matching addresses', async () => {
    for (const entry of ['127.0.0.0/8', '::ffff:127.0.0.0/104']) expect((await withAllowlist([entry]).request({ url: `${base}/echo` })).status).toBe(201);
    expect(await failure(withAllowlist(['127.0.0.2/32']).request({ url: `${base}/echo` }))).toBeInstanceOf(OutboundBlockedError);
  });

  it('refuses to start with an invalid allowlist entry', () => {
    expect(() => withAllowlist(['10.0.0.0/99'])).toThrow(/10\.0\.0\.0\/99/);
    expect(() => withAllowlist(['http://x.test/'])).toThrow(/OUTBOUND_ALLOWLIST/);
  });

  it('uses URL credentials as Basic auth and leaves them out of the returned URL', async () => {
    const res = await client.request({ url: `http://us%40er:p%3Ass@127.0.0.1:${server.port}/echo` });
    expect(JSON.parse(res.body).headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    expect(res.url).toBe(`${base}/echo`);
  });
});

describe('response size cap', () => {
  it('truncates the body at maxResponseBytes (default 64 KiB) instead of failing', async () => {
    const big = await client.request({ url: `${base}/big?bytes=300000` });
    expect(big).toMatchObject({ status: 200, truncated: true });
    expect(big.body.length).toBe(65_536);
    expect(await client.request({ url: `${base}/big?bytes=65536` })).toMatchObject({ truncated: false });
    expect(await client.request({ url: `${base}/big?bytes=50`, maxResponseBytes: 10 })).toMatchObject({ body: 'a'.repeat(10), truncated: true });
  });
});

describe('redirects', () => {
  it('follows up to 5, re-checking each hop, and reports the final URL', async () => {
    const res = await client.request({ url: `${base}/chain/5` });
    expect(res).toMatchObject({ status: 200, body: 'end', url: `${base}/chain/0`, redirects: 5 });
  });

  it('gives up after maxRedirects', async () => {
    expect(await failure(client.request({ url: `${base}/chain/6` }))).toBeInstanceOf(OutboundTooManyRedirectsError);
    expect(await failure(client.request({ url: `${base}/chain/1`, maxRedirects: 0 }))).toBeInstanceOf(OutboundTooManyRedirectsError);
  });

  it('turns a POST into a GET without body on 303, keeps method and body on 307', async () => {
    const post = (status: number) =>
      client.request({ url: `${base}/to?status=${status}&location=/echo`, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(JSON.parse((await post(303)).body)).toMatchObject({ method: 'GET', body: '' });
    expect(JSON.parse((await post(303)).body).headers['content-type']).toBeUndefined();
    expect(JSON.parse((await post(307)).body)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  });

  it('keeps every header on a same-origin redirect', async () => {
    const headers = { authorization: 'Bearer s3cret', cookie: 'sid=1', 'x-api-key': 'k-123', 'x-custom': 'kept' };
    const same = await client.request({ url: `${base}/to?location=/echo`, headers });
    expect(JSON.parse(same.body).headers).toMatchObject(headers);
  });

  describe('cross-origin redirects drop every caller-set header except user-agent, accept and content-type', () => {
    let other: TestHttpServer;
    beforeAll(async () => {
      other = await startTestHttpServer('127.0.0.1');
    });
    afterAll(() => other?.close());

    const secrets = { authorization: 'Bearer s3cret', 'proxy-authorization': 'Basic cHg=', cookie: 'sid=1', 'x-api-key': 'k-123', 'webhook-id': 'wh-1', 'x-custom': 'c' };
    const harmless = { 'user-agent': 'Mailwright-Test', accept: 'application/json' };
    const to = (location: string, status = 302) => `${base}/to?status=${status}&location=${encodeURIComponent(location)}`;
    const lastSeen = (s: TestHttpServer) => s.seen[s.seen.length - 1];
    const expectNoSecrets = (seen: Record<string, unknown>) => {
      for (const name of Object.keys(secrets)) expect(seen[name], name).toBeUndefined();
    };

    it('another port on the same host: secrets stay behind, the first hop got them', async () => {
      const res = await client.request({ url: to(`http://127.0.0.1:${other.port}/echo`), headers: { ...secrets, ...harmless } });
      expect(res).toMatchObject({ status: 201, url: `http://127.0.0.1:${other.port}/echo`, redirects: 1 });
      const seen = JSON.parse(res.body).headers;
      expectNoSecrets(seen);
      expect(seen).toMatchObject(harmless);
      expect(lastSeen(server).headers).toMatchObject(secrets);
    });

    it('another host name on the same port counts as another origin too', async () => {
      const res = await client.request({ url: to(`http://${HOST}:${server.port}/echo`), headers: { ...secrets, ...harmless } });
      const seen = JSON.parse(res.body).headers;
      expectNoSecrets(seen);
      expect(seen).toMatchObject({ ...harmless, host: `${HOST}:${server.port}` });
    });

    it('a cross-origin 307/308 re-sends method, body and its content-type, but no secret header', async () => {
      for (const status of [307, 308]) {
        const res = await client.request({
          url: to(`http://127.0.0.1:${other.port}/echo`, status),
          method: 'POST',
          headers: { ...secrets, 'content-type': 'application/json' },
          body: '{"a":1}',
        });
        const seen = JSON.parse(res.body);
        expect(seen, String(status)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
        expectNoSecrets(seen.headers);
      }
    });

    it('headers dropped once stay dropped when a later hop comes back to the first origin', async () => {
      const back = `http://127.0.0.1:${other.port}/to?location=${encodeURIComponent(`${base}/echo`)}`;
      const res = await client.request({ url: to(back), headers: { ...secrets } });
      expect(res).toMatchObject({ status: 201, url: `${base}/echo`, redirects: 2 });
      expectNoSecrets(JSON.parse(res.body).headers);
      expectNoSecrets(lastSeen(other).headers);
    });
  });

  it('refuses a redirect to a blocked address before connecting to it', async () => {
    const trap = await startCountingListener({ host: '127.0.0.2' });
    for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', `http://127.0.0.2:${trap.port}/`, 'http://[::ffff:a9fe:a9fe]/', 'file:///etc/passwd']) {
      const before = server.seen.length;
      const err = await failure(client.request({ url: `${base}/to?location=${encodeURIComponent(target)}`, headers: { authorization: 'Bearer s3cret' } }));
      expect(err, target).toBeInstanceOf(OutboundBlockedError);
      expect(err!.message).not.toContain('s3cret');
      expect(server.seen.length).toBe(before + 1);
    }
    expect(trap.connections).toBe(0);
    await trap.close();
  });
});

describe('failures', () => {
  it('times out a server that never answers, one that never finishes its body, and a redirect into either', async () => {
    for (const path of ['/hang', '/trickle', `/to?location=${encodeURIComponent('/hang')}`]) {
      const started = Date.now();
      const err = await failure(client.request({ url: `${base}${path}`, timeoutMs: 400 }));
      expect(err, path).toBeInstanceOf(OutboundTimeoutError);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('reports a refused connection as a network error without header values or query strings', async () => {
    const closed = await startCountingListener();
    await closed.close();
    const err = await failure(client.request({ url: `http://127.0.0.1:${closed.port}/?token=q-secret`, headers: { 'x-api-key': 'h-secret' } }));
    expect(err).toBeInstanceOf(OutboundNetworkError);
    expect(err!.causeCode).toBe('ECONNREFUSED');
    expect(err!.message).not.toMatch(/secret/);
  });

  it('refuses a header carrying CR/LF (header injection) without echoing its value', async () => {
    const before = server.seen.length;
    const err = await failure(client.request({ url: `${base}/echo`, headers: { 'x-token': 'v-secret\r\nx-injected: 1' } }));
    expect(err).toBeInstanceOf(OutboundNetworkError);
    expect(err!.message).not.toMatch(/secret|injected/);
    expect(server.seen.length).toBe(before);
  });

  it('connects TLS to the pinned address with SNI = the host name, and validates the certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: HOST }], { keySize: 2048 });
    const names: string[] = [];
    const tlsServer = https.createServer({
      key: pems.private,
      cert: pems.cert,
      SNICallback: (name, cb) => {
        names.push(name);
        cb(null, tls.createSecureContext({ key: pems.private, cert: pems.cert }));
      },
    });
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const port = (tlsServer.address() as AddressInfo).port;
    const err = await failure(client.request({ url: `https://${HOST}:${port}/` }));
    expect(err).toBeInstanceOf(OutboundNetworkError);
    expect(err!.causeCode).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(names).toEqual([HOST]);
    tlsServer.closeAllConnections();
    await new Promise((r) => tlsServer.close(r));
  });
});
