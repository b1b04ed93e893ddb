import type { DnsResolver } from '../mail/dns.js';
import { parseAllowlist } from './allowlist.js';
import { outboundRequest, type OutboundRequestOptions, type OutboundResponse, type ResolveHost } from './outbound-http.js';

/**
 * The entry point for features: `createOutboundClient(deps).request({ url, method, headers, body })`.
 * Wires outboundRequest to the app's DNS resolver (DNS_SERVERS) and OUTBOUND_ALLOWLIST, so callers
 * never see the SSRF machinery. See outbound-http.ts for the guarantees and the errors thrown.
 */
export interface OutboundClient {
  request(opts: OutboundRequestOptions): Promise<OutboundResponse>;
}

/** A and AAAA answers of `dns` together; a family that has no records (or fails) contributes nothing. */
export function resolverFromDns(dns: Pick<DnsResolver, 'resolve4' | 'resolve6'>): ResolveHost {
  return async (hostname) => {
    const [v4, v6] = await Promise.allSettled([dns.resolve4(hostname), dns.resolve6(hostname)]);
    return [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  };
}

/** Throws (naming the entry) when config.outbound.allowlist holds an invalid entry. */
export function createOutboundClient(deps: { dns: Pick<DnsResolver, 'resolve4' | 'resolve6'>; config: { outbound: { allowlist: readonly string[] } } }): OutboundClient {
  const resolve = resolverFromDns(deps.dns);
  const allowlist = parseAllowlist(deps.config.outbound.allowlist);
  return { request: (opts) => outboundRequest(opts, { resolve, allowlist }) };
}

export { OutboundBlockedError, OutboundError, OutboundNetworkError, OutboundTimeoutError, OutboundTooManyRedirectsError, type OutboundErrorCode } from './errors.js';
export type { OutboundMethod, OutboundRequestOptions, OutboundResponse, ResolveHost } from './outbound-http.js';
