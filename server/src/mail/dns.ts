import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** The lookups domain verification needs. Built from `DNS_SERVERS`; tests point it at an in-process server. */
export interface DnsResolver {
  /** TXT records at `host`, each as its character strings (join them to get the record). */
  resolveTxt(host: string): Promise<string[][]>;
  resolveMx(host: string): Promise<{ exchange: string; priority: number }[]>;
  /** A and AAAA records (outbound SSRF guard, src/outbound). */
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
}

/** `ip`, `ip:port`, `[ipv6]:port` or a bare IPv6 address, as `Resolver#setServers` takes them (DNS_SERVERS). */
export function isDnsServer(s: string): boolean {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return isIP(s) === 6;
  return isIP(m[1]) !== 0 && (!m[2] || (Number(m[2]) >= 1 && Number(m[2]) <= 65535));
}

/** Error codes meaning "the name or record type does not exist", as opposed to "we could not ask". */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export function isAbsentRecordError(err: unknown): boolean {
  return ABSENT.has((err as { code?: string })?.code ?? '');
}

/**
 * node:dns `Resolver` on the configured servers (`ip`, `ip:port` or `[ipv6]:port`), or the system's
 * when none are given. Timeouts are short so a periodic check of many domains cannot hang.
 */
export function createDnsResolver(servers: string[], opts: { timeoutMs?: number; tries?: number } = {}): DnsResolver {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 3000, tries: opts.tries ?? 2 });
  if (servers.length) resolver.setServers(servers);
  return {
    resolveTxt: (host) => resolver.resolveTxt(host),
    resolveMx: (host) => resolver.resolveMx(host),
    resolve4: (host) => resolver.resolve4(host),
    resolve6: (host) => resolver.resolve6(host),
  };
}
