/**
 * SSRF guard, part 1: is an IP address literal one that user-configured URLs (workflow WEBHOOK steps,
 * outbound webhooks) may reach? Pure functions, no I/O.
 *
 * - Only canonical literals are accepted: dotted-quad decimal IPv4 (no leading zeros, no hex/octal/short
 *   forms) and RFC 4291 IPv6 text (optionally bracketed, optionally with a zone id). Anything else is
 *   blocked as malformed; outbound-http.ts first lets WHATWG URL turn `0x7f.1`, `2130706433` … into the
 *   canonical form, so those spellings are judged by the address they mean.
 * - Blocked IPv4: every range of the IANA special-purpose registry that is not globally reachable,
 *   including the documentation ranges (TEST-NET-1/2/3), consistent with blocking 2001:db8::/32.
 * - IPv6 forms that embed an IPv4 address (mapped, compatible, 6to4, well-known NAT64 64:ff9b::/96) are
 *   judged by the embedded address. The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is blocked
 *   outright: it only exists inside a network, and its translator may map it to any internal IPv4
 *   range, so its last 32 bits prove nothing. Teredo (2001::/32) and the rest of 2001::/23 are blocked
 *   outright; anything outside global unicast 2000::/3 (besides 64:ff9b::/96) is blocked.
 * - A zone id (`fe80::1%eth0`) makes any address blocked: scoped addresses are never public.
 */

export interface ParsedIp {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
  /** IPv6 zone id (`eth0` in `fe80::1%eth0`), when one was given. */
  zone?: string;
}

export type IpVerdict =
  | { allowed: true; address: string; family: 4 | 6 }
  | { allowed: false; address: string; family?: 4 | 6; reason: string };

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function parseV4(text: string): Uint8Array | null {
  const m = IPV4.exec(text);
  return m ? Uint8Array.from(m.slice(1, 5).map(Number)) : null;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (!HEX_GROUP.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseV6(text: string): Uint8Array | null {
  let body = text;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseV4(body.slice(lastColon + 1));
    if (!v4 || lastColon < 0) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    body = body.slice(0, lastColon + 1);
    // `::1.2.3.4` leaves `::`; `1::2:1.2.3.4` leaves `1::2:` — drop the separator before the IPv4 part.
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const groups = [...head, ...Array(8 - given).fill(0), ...rest, ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Parses a canonical IPv4 or IPv6 literal (`[v6]` and `v6%zone` accepted); null when it is not one. */
export function parseIp(input: string): ParsedIp | null {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (!text.includes(':')) {
    const v4 = parseV4(text);
    return v4 ? { family: 4, bytes: v4 } : null;
  }
  let zone: string | undefined;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    zone = text.slice(pct + 1);
    if (!/^[\w.\-%]+$/.test(zone)) return null;
    text = text.slice(0, pct);
  }
  const bytes = parseV6(text);
  return bytes ? { family: 6, bytes, ...(zone ? { zone } : {}) } : null;
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
export function formatIp(ip: Pick<ParsedIp, 'family' | 'bytes'>): string {
  const b = ip.bytes;
  if (ip.family === 4) return Array.from(b).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** True when the first `bits` bits of `bytes` equal those of `prefix` (same length arrays). */
export function inPrefix(bytes: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i / 8] & mask) !== (prefix[i / 8] & mask)) return false;
  }
  return true;
}

type Range = { prefix: Uint8Array; bits: number; reason: string };
const range = (cidr: string, reason: string): Range => {
  const [addr, bits] = cidr.split('/');
  const parsed = parseIp(addr);
  if (!parsed) throw new Error(`bad built-in range ${cidr}`);
  return { prefix: parsed.bytes, bits: Number(bits), reason: `${reason} (${cidr})` };
};

const V4_BLOCKED: Range[] = [
  range('0.0.0.0/8', '"this network"'),
  range('10.0.0.0/8', 'private network'),
  range('100.64.0.0/10', 'carrier-grade NAT'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local / cloud metadata'),
  range('172.16.0.0/12', 'private network'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private network'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  range('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved / broadcast'),
];

/** IPv6 ranges that are blocked whatever they contain (checked before the embedding rules). */
const V6_BLOCKED: Range[] = [
  range('::/128', 'unspecified address'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'local-use NAT64, never public'),
  range('100::/64', 'discard-only'),
  range('2001::/32', 'Teredo tunnel'),
  range('2001::/23', 'IETF protocol assignments'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique local address'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

/** IPv6 forms that carry an IPv4 address: where it sits (byte offset) and what the form is called. */
const V6_EMBEDDING: (Range & { at: number })[] = [
  { ...range('::ffff:0:0/96', 'IPv4-mapped'), at: 12 },
  { ...range('::/96', 'IPv4-compatible'), at: 12 },
  { ...range('64:ff9b::/96', 'NAT64'), at: 12 },
  { ...range('2002::/16', '6to4'), at: 2 },
];

const GLOBAL_UNICAST = range('2000::/3', 'global unicast');

function classifyV4(bytes: Uint8Array): string | null {
  return V4_BLOCKED.find((r) => inPrefix(bytes, r.prefix, r.bits))?.reason ?? null;
}

function classifyV6(bytes: Uint8Array): string | null {
  const blocked = V6_BLOCKED.find((r) => inPrefix(bytes, r.prefix, r.bits));
  if (blocked) return blocked.reason;
  const embedding = V6_EMBEDDING.find((r) => inPrefix(bytes, r.prefix, r.bits));
  if (embedding) {
    const v4 = bytes.slice(embedding.at, embedding.at + 4);
    const inner = classifyV4(v4);
    return inner ? `${embedding.reason} address embedding ${formatIp({ family: 4, bytes: v4 })}: ${inner}` : null;
  }
  if (bytes.slice(0, 8).every((b) => b === 0)) return 'reserved (::/64)';
  if (!inPrefix(bytes, GLOBAL_UNICAST.prefix, GLOBAL_UNICAST.bits)) return 'not global unicast (outside 2000::/3)';
  return null;
}

/** The reason `ip` must not be contacted, or null when it is a public address. */
export function blockReason(ip: ParsedIp): string | null {
  if (ip.zone) return `scoped address (zone id ${ip.zone})`;
  return ip.family === 4 ? classifyV4(ip.bytes) : classifyV6(ip.bytes);
}

/** Classifies an IP literal: allowed (public) or blocked with a reason. Malformed input is blocked. */
export function classifyIp(input: string): IpVerdict {
  const ip = parseIp(input);
  if (!ip) return { allowed: false, address: input, reason: 'not a valid IP address' };
  const address = formatIp(ip) + (ip.zone ? `%${ip.zone}` : '');
  const reason = blockReason(ip);
  return reason ? { allowed: false, address, family: ip.family, reason } : { allowed: true, address, family: ip.family };
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else `ip` unchanged. */
export function unmapIp(ip: ParsedIp): ParsedIp {
  if (ip.family === 6 && !ip.zone && inPrefix(ip.bytes, V6_EMBEDDING[0].prefix, 96)) return { family: 4, bytes: ip.bytes.slice(12) };
  return ip;
}
