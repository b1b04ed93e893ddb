import { inPrefix, parseIp, unmapIp, type ParsedIp } from './ip-guard.js';

/**
 * SSRF guard, part 2: OUTBOUND_ALLOWLIST, the destinations a self-hoster lets through the guard.
 * Entries are host names (exact, case-insensitive, trailing dot ignored: the whole host is trusted,
 * whatever it resolves to), IP addresses, or CIDRs (`10.0.0.0/8`, `fd00::/8`) matched against the
 * address actually connected to. IPv4-mapped IPv6 addresses match IPv4 entries.
 */
export interface Allowlist {
  allowsHost(hostname: string): boolean;
  allowsAddress(ip: ParsedIp): boolean;
  /** True when nothing is allowlisted. */
  readonly empty: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const normHost = (h: string) => h.trim().toLowerCase().replace(/\.$/, '');

/** Why an allowlist entry is not usable, or null when it is a valid host name, IP or CIDR. */
export function allowlistEntryError(entry: string): string | null {
  const e = entry.trim();
  if (e.includes('/')) {
    const [addr, bits, extra] = e.split('/');
    const ip = parseIp(addr);
    if (extra !== undefined || !ip || ip.zone || !/^\d{1,3}$/.test(bits)) return `"${e}" is not a valid CIDR`;
    if (Number(bits) > (ip.family === 4 ? 32 : 128)) return `"${e}" has a prefix length that is too long`;
    return null;
  }
  if (parseIp(e)) return parseIp(e)!.zone ? `"${e}": zone ids are not supported` : null;
  return HOSTNAME.test(normHost(e)) ? null : `"${e}" is neither a host name, an IP address nor a CIDR`;
}

/** Builds the allowlist; throws an Error naming the first invalid entry. */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const hosts = new Set<string>();
  const nets: { ip: ParsedIp; bits: number }[] = [];
  for (const raw of entries) {
    if (!raw.trim()) continue;
    const error = allowlistEntryError(raw);
    if (error) throw new Error(`OUTBOUND_ALLOWLIST: ${error}`);
    const [addr, bits] = raw.trim().split('/');
    const ip = parseIp(addr);
    if (!ip) {
      hosts.add(normHost(raw));
      continue;
    }
    const len = bits === undefined ? (ip.family === 4 ? 32 : 128) : Number(bits);
    // `::ffff:10.0.0.0/104` is the same network as `10.0.0.0/8`.
    const net = len >= 96 ? unmapIp(ip) : ip;
    nets.push({ ip: net, bits: net.family !== ip.family ? len - 96 : len });
  }
  return {
    empty: hosts.size === 0 && nets.length === 0,
    allowsHost: (hostname) => hosts.has(normHost(hostname)),
    allowsAddress(ip) {
      if (ip.zone) return false;
      const a = unmapIp(ip);
      return nets.some((n) => n.ip.family === a.family && inPrefix(a.bytes, n.ip.bytes, n.bits));
    },
  };
}

