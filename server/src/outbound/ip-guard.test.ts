import { describe, expect, it } from 'vitest';
import { allowlistEntryError, parseAllowlist } from './allowlist.js';
import { classifyIp, parseIp } from './ip-guard.js';

// The classifier on its own: every range of reliability.md §3.2 with its edges, plus public neighbours.

const blocked: [string, RegExp][] = [
  ['127.0.0.1', /loopback/], ['127.255.255.255', /loopback/], ['10.0.0.1', /private/], ['10.255.255.255', /private/],
  ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.0.1', /private/], ['169.254.169.254', /metadata/],
  ['100.64.0.1', /carrier-grade/], ['100.127.255.255', /carrier-grade/], ['0.0.0.0', /this network/], ['0.1.2.3', /this network/],
  ['224.0.0.1', /multicast/], ['239.255.255.255', /multicast/], ['240.0.0.1', /reserved/], ['255.255.255.255', /broadcast/],
  ['192.0.0.8', /IETF/], ['198.18.0.1', /benchmarking/], ['198.19.255.255', /benchmarking/], ['192.0.2.1', /TEST-NET-1/],
  ['198.51.100.1', /TEST-NET-2/], ['203.0.113.10', /TEST-NET-3/],
  ['::', /unspecified/], ['::1', /loopback/], ['0:0:0:0:0:0:0:1', /loopback/], ['fe80::1', /link-local/], ['febf:ffff::1', /link-local/],
  ['fe80::1%eth0', /zone id/], ['[fe80::abcd%25en0]', /zone id/], ['fc00::1', /unique local/], ['fdff:ffff::1', /unique local/],
  ['ff02::1', /multicast/], ['ff0e::1', /multicast/], ['100::1', /discard/], ['100::ffff:ffff:ffff:ffff', /discard/],
  ['2001:db8::1', /documentation/], ['2001:db8:ffff::1', /documentation/], ['2001::1', /Teredo/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/], ['2001:0:5ef5:79fd::1', /Teredo/],
  ['::ffff:127.0.0.1', /IPv4-mapped.*127\.0\.0\.1.*loopback/], ['::ffff:7f00:1', /IPv4-mapped.*127\.0\.0\.1/],
  ['0:0:0:0:0:ffff:7f00:1', /IPv4-mapped/], ['0000:0000:0000:0000:0000:FFFF:A9FE:A9FE', /169\.254\.169\.254/],
  ['::ffff:a9fe:a9fe', /IPv4-mapped.*169\.254\.169\.254/], ['::ffff:10.0.0.1', /private/], ['::ffff:0.0.0.0', /this network/],
  ['::127.0.0.1', /IPv4-compatible.*loopback/], ['::7f00:1', /IPv4-compatible/], ['::a9fe:a9fe', /IPv4-compatible.*169\.254/],
  ['::0.0.0.2', /this network/],
  ['2002:7f00:1::', /6to4.*127\.0\.0\.1/], ['2002:a9fe:a9fe::1', /6to4.*169\.254\.169\.254/], ['2002:c0a8:101::1', /6to4.*192\.168\.1\.1/],
  ['64:ff9b::7f00:1', /NAT64.*127\.0\.0\.1/], ['64:ff9b::169.254.169.254', /NAT64.*metadata/], ['64:ff9b::a00:1', /NAT64.*private/],
  // local-use NAT64 (64:ff9b:1::/48) is blocked whatever its last 32 bits say, public-looking ones included
  ['64:ff9b:1::a00:1', /local-use NAT64/], ['64:ff9b:1::7f00:1', /local-use NAT64/], ['64:ff9b:1::808:808', /local-use NAT64.*never public/],
  ['64:ff9b:1::8.8.8.8', /local-use NAT64/], ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', /64:ff9b:1::\/48/], ['64:ff9b:1:abcd::1', /local-use NAT64/],
  ['1::1', /not global unicast/], ['4000::1', /not global unicast/], ['3fff::1', /documentation/],
];

const malformed = ['', ' ', '0x7f.0.0.1', '0177.0.0.1', '127.1', '2130706433', '127.000.0.1', '999.999.999.999', '1.2.3.4.5',
  '256.0.0.1', '1.2.3', '::ffff:1.2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '12345::', 'g::1', 'fe80::1%', 'fe80::1%eth 0',
  'localhost', 'example.com', '[::1', '1.2.3.4/32'];

const publicAddresses = ['8.8.8.8', '1.1.1.1', '172.15.0.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1',
  '169.253.255.255', '169.255.0.1', '198.17.255.255', '198.20.0.1', '192.0.1.1', '223.255.255.255', '11.0.0.1', '9.255.255.255',
  '2606:4700::1111', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '[2001:4860:4860::8888]', '::ffff:8.8.8.8',
  '::ffff:808:808', '2002:808:808::1', '2002:0808:0808:0000:0000:0000:0000:0001', '64:ff9b::8.8.8.8', '64:ff9b::101:101',
  '2001:200::1', '2400:cb00::1'];

describe('classifyIp', () => {
  it.each(blocked)('blocks %s', (ip, reason) => {
    const v = classifyIp(ip);
    expect(v.allowed).toBe(false);
    expect(v.allowed === false && v.reason).toMatch(reason);
  });

  it.each(malformed)('blocks malformed %j', (ip) => {
    expect(classifyIp(ip)).toMatchObject({ allowed: false, reason: 'not a valid IP address' });
  });

  it.each(publicAddresses)('allows public %s', (ip) => {
    expect(classifyIp(ip)).toMatchObject({ allowed: true });
  });

  it('canonicalises the address it reports', () => {
    expect(classifyIp('0000:0000:0000:0000:0000:FFFF:7F00:0001').address).toBe('::ffff:7f00:1');
    expect(classifyIp('[2001:4860:4860:0:0:0:0:8888]')).toEqual({ allowed: true, address: '2001:4860:4860::8888', family: 6 });
    expect(classifyIp('1:0:0:1:0:0:0:1').address).toBe('1:0:0:1::1');
    expect(parseIp('::1.2.3.4')?.bytes.slice(12)).toEqual(Uint8Array.from([1, 2, 3, 4]));
  });
});

describe('allowlist', () => {
  const ip = (s: string) => parseIp(s)!;

  it('matches IPs, CIDRs (v4, v6, IPv4-mapped) and exact host names', () => {
    const list = parseAllowlist(['10.1.2.3', '192.168.0.0/16', 'fd00::/8', 'Hooks.Internal.', '::ffff:172.16.0.0/108', '']);
    expect(list.allowsAddress(ip('10.1.2.3'))).toBe(true);
    expect(list.allowsAddress(ip('10.1.2.4'))).toBe(false);
    expect(list.allowsAddress(ip('::ffff:10.1.2.3'))).toBe(true);
    expect(list.allowsAddress(ip('192.168.200.1'))).toBe(true);
    expect(list.allowsAddress(ip('192.169.0.1'))).toBe(false);
    expect(list.allowsAddress(ip('fd12::1'))).toBe(true);
    expect(list.allowsAddress(ip('fe80::1'))).toBe(false);
    expect(list.allowsAddress(ip('fd12::1%eth0'))).toBe(false);
    expect(list.allowsAddress(ip('172.31.0.1'))).toBe(true);
    expect(list.allowsAddress(ip('172.32.0.1'))).toBe(false);
    expect(list.allowsHost('hooks.internal')).toBe(true);
    expect(list.allowsHost('HOOKS.INTERNAL.')).toBe(true);
    expect(list.allowsHost('x.hooks.internal')).toBe(false);
    expect(list.empty).toBe(false);
    expect(parseAllowlist([]).empty).toBe(true);
  });

  it('does not widen a short IPv6 CIDR over ::ffff:0:0/96 into all of IPv4', () => {
    const list = parseAllowlist(['::ffff:0:0/90']);
    expect(list.allowsAddress(ip('8.8.8.8'))).toBe(false);
  });

  it('rejects invalid entries with a message naming them', () => {
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.0/x', 'http://a.test', 'a b', '-bad-.test', 'fe80::1%eth0'])
      expect(allowlistEntryError(bad), bad).toContain(bad);
    expect(() => parseAllowlist(['ok.test', '300.1.1.1/8'])).toThrow(/OUTBOUND_ALLOWLIST: "300\.1\.1\.1\/8"/);
    for (const good of ['a.test', '10.0.0.0/8', '::1', '2001:db8::/32', 'localhost', 'svc_1.internal']) expect(allowlistEntryError(good), good).toBeNull();
  });
});
