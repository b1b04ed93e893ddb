import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsResolver } from '../mail/dns.js';
import { startDnsServer, type TestDnsServer } from '../../test/dns-server.js';
import { OutboundBlockedError, OutboundTimeoutError } from './errors.js';
import { resolverFromDns } from './outbound-client.js';
import { outboundRequest, type ResolveHost } from './outbound-http.js';
import { startCountingListener, startTestHttpServer, type CountingListener, type TestHttpServer } from '../../test/outbound-servers.js';

// reliability.md §6 E31/E32: every blocked form is refused and the listener on loopback sees 0 connections;
// DNS answers (via a real DNS server) are all checked and the connection is pinned to the checked address.

let listener: CountingListener;
let dns: TestDnsServer;
let resolve: ResolveHost;

beforeAll(async () => {
  listener = await startCountingListener({ alsoV6: true });
  dns = await startDnsServer();
  resolve = resolverFromDns(createDnsResolver([dns.address], { timeoutMs: 1000, tries: 1 }));
});
afterAll(async () => {
  await listener?.close();
  await dns?.close();
});

async function expectBlocked(url: string, opts: { resolve?: ResolveHost; allowlist?: string[] } = {}) {
  const err = await outboundRequest({ url, timeoutMs: 3000 }, { resolve: opts.resolve ?? resolve, allowlist: opts.allowlist ?? [] }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, url).toBeInstanceOf(OutboundBlockedError);
  return err as OutboundBlockedError;
}

describe('IP literals in URLs', () => {
  const hosts = [
    // IPv4, including the spellings WHATWG URL normalises to 127.0.0.1
    '127.0.0.1', '127.255.255.254', '2130706433', '0x7f.0.0.1', '0x7f000001', '0177.0.0.1', '017700000001', '127.1',
    '%31%32%37.0.0.1', '127.0.0.1.', '0', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '100.127.255.254', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '192.0.0.8', '198.18.0.1', '198.19.255.255', '192.0.2.1', '198.51.100.1', '203.0.113.10',
    // IPv6
    '[::1]', '[::]', '[0:0:0:0:0:0:0:1]', '[fe80::1]', '[fe80::1%25eth0]', '[fe80::1%eth0]', '[fc00::1]', '[fd12:3456::1]',
    '[ff02::1]', '[100::1]', '[2001:db8::1]', '[2001::1]', '[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
    // IPv4-mapped / compatible, compressed, uncompressed, dotted and hex
    '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:7f00:1]', '[0000:0000:0000:0000:0000:ffff:7f00:0001]',
    '[::ffff:a9fe:a9fe]', '[::ffff:169.254.169.254]', '[::ffff:10.0.0.1]', '[::127.0.0.1]', '[::7f00:1]', '[::a9fe:a9fe]',
    // 6to4 and NAT64 with a private address inside
    '[2002:7f00:1::1]', '[2002:a9fe:a9fe::1]', '[2002:0a00:0001::]', '[64:ff9b::7f00:1]', '[64:ff9b::169.254.169.254]',
    // local-use NAT64 is never public, whatever its last 32 bits say
    '[64:ff9b:1::a00:1]', '[64:ff9b:1::808:808]', '[64:ff9b:1::8.8.8.8]',
  ];
  it.each(hosts)('refuses http://%s without opening a socket', async (host) => {
    await expectBlocked(`http://${host}:${listener.port}/hook`);
    await expectBlocked(`https://${host}:${listener.port}/hook`);
    expect(listener.connections).toBe(0);
  });

  it('names the address and the range in the reason', async () => {
    const err = await expectBlocked('http://[::ffff:a9fe:a9fe]/latest/meta-data');
    expect(err.reason).toContain('169.254.169.254');
    expect(err.reason).toContain('169.254.0.0/16');
    expect((await expectBlocked(`http://2130706433:${listener.port}/`)).address).toBe('127.0.0.1');
  });

  it.each([
    '', 'not a url', 'http://999.999.999.999/', 'http://1.2.3.4.5/', 'http://foo.123/', 'ftp://127.0.0.1:21/',
    'file:///etc/passwd', 'gopher://127.0.0.1:70/_x', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://8.8.8.8/',
  ])('refuses malformed or non-http URL %j', async (url) => {
    await expectBlocked(url);
    expect(listener.connections).toBe(0);
  });

  it('blocks localhost names without asking DNS', async () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost']) await expectBlocked(`http://${host}:${listener.port}/`);
    expect(dns.queries.filter((q) => q.includes('localhost'))).toEqual([]);
    expect(listener.connections).toBe(0);
  });

  it('the listener is reachable: an allowlisted 127.0.0.1 does connect (control for the 0-connection checks)', async () => {
    const control = await startCountingListener();
    const err = await outboundRequest({ url: `http://127.0.0.1:${control.port}/`, timeoutMs: 300 }, { resolve, allowlist: ['127.0.0.1'] }).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundTimeoutError);
    expect(control.connections).toBe(1);
    await control.close();
  });
});

describe('host names (answers from a real DNS server)', () => {
  const cases: [string, string[]][] = [
    ['loopback.ssrf.test', ['127.0.0.1']],
    ['private.ssrf.test', ['10.0.0.1']],
    ['metadata.ssrf.test', ['169.254.169.254']],
    ['mixed.ssrf.test', ['93.184.215.14', '127.0.0.1']],
    ['v6loop.ssrf.test', ['::1']],
    ['v6mixed.ssrf.test', ['93.184.215.14', '::1']],
    ['mapped.ssrf.test', ['::ffff:7f00:1']],
    ['nat64.ssrf.test', ['64:ff9b::a9fe:a9fe']],
    ['nat64local.ssrf.test', ['64:ff9b:1::808:808']],
    ['testnet.ssrf.test', ['203.0.113.10']],
  ];
  it.each(cases)('refuses %s → %j before connecting', async (host, addresses) => {
    dns.setAddresses(host, addresses);
    const err = await expectBlocked(`http://${host}:${listener.port}/`);
    expect(err.host).toBe(host);
    expect(err.reason).toContain(host);
    expect(listener.connections).toBe(0);
  });

  it('refuses a name that does not resolve, or whose DNS fails', async () => {
    expect((await expectBlocked(`http://nowhere.ssrf.test:${listener.port}/`)).reason).toMatch(/could not be resolved/);
    dns.setBroken('broken.ssrf.test', true);
    expect((await expectBlocked(`http://broken.ssrf.test:${listener.port}/`)).reason).toMatch(/could not be resolved/);
    expect(listener.connections).toBe(0);
  });
});

describe('DNS rebinding', () => {
  let pinned: TestHttpServer;
  let trap: CountingListener;

  // The "public" first answer is 127.0.0.2, allowlisted, which a server listens on; the rebound answer
  // is 127.0.0.1, where a listener on the same port counts connections that must never come.
  beforeAll(async () => {
    pinned = await startTestHttpServer('127.0.0.2');
    trap = await startCountingListener({ port: pinned.port });
  });
  afterAll(async () => {
    await pinned?.close();
    await trap?.close();
  });

  /** Resolves through the DNS server, then re-points `host` at 127.0.0.1 for every later lookup. */
  function rebindingResolver(host: string) {
    let calls = 0;
    const wrapped: ResolveHost = async (name) => {
      const answer = await resolve(name);
      if (++calls === 1) dns.setAddresses(host, ['127.0.0.1']);
      return answer;
    };
    return { resolve: wrapped, calls: () => calls };
  }

  it('connects to the address it checked, never to a second answer', async () => {
    dns.setAddresses('rebind.ssrf.test', ['127.0.0.2']);
    const r = rebindingResolver('rebind.ssrf.test');
    const res = await outboundRequest({ url: `http://rebind.ssrf.test:${pinned.port}/echo` }, { resolve: r.resolve, allowlist: ['127.0.0.2'] });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).headers.host).toBe(`rebind.ssrf.test:${pinned.port}`);
    expect(r.calls()).toBe(1);
    expect(await resolve('rebind.ssrf.test')).toEqual(['127.0.0.1']); // what a second lookup would have given
    expect(trap.connections).toBe(0);
  });

  it('re-checks the name on a redirect hop and refuses the rebound answer', async () => {
    dns.setAddresses('rebind2.ssrf.test', ['127.0.0.2']);
    const r = rebindingResolver('rebind2.ssrf.test');
    const next = encodeURIComponent(`http://rebind2.ssrf.test:${pinned.port}/echo`);
    const err = await outboundRequest({ url: `http://rebind2.ssrf.test:${pinned.port}/to?location=${next}` }, { resolve: r.resolve, allowlist: ['127.0.0.2'] }).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundBlockedError);
    expect(err.reason).toContain('resolves to 127.0.0.1');
    expect(r.calls()).toBe(2);
    expect(trap.connections).toBe(0);
  });

  it('a TEST-NET "public" first answer is itself blocked (documentation ranges count as non-public)', async () => {
    dns.setAddresses('rebind3.ssrf.test', ['203.0.113.10']);
    const r = rebindingResolver('rebind3.ssrf.test');
    const err = await expectBlocked(`http://rebind3.ssrf.test:${pinned.port}/`, { resolve: r.resolve });
    expect(err.reason).toContain('TEST-NET-3');
    expect(trap.connections).toBe(0);
  });
});
