import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { parseAllowlist, type Allowlist } from './allowlist.js';
import { OutboundBlockedError, OutboundNetworkError, OutboundTimeoutError, OutboundTooManyRedirectsError } from './errors.js';
import { blockReason, formatIp, parseIp, type ParsedIp } from './ip-guard.js';

/**
 * SSRF-guarded outbound HTTP(S) for user-configured URLs (workflow WEBHOOK steps, outbound webhooks).
 *
 * Per hop: WHATWG URL parsing (so `0x7f.1`, `2130706433` … become the dotted quad they mean); http/https
 * only; an IP literal is checked as is; a host name is resolved (A and AAAA) through the injected resolver,
 * and the hop is refused if nothing resolves or ANY answer is blocked. The socket then connects to the
 * checked address (a pinned `lookup`), so a second, different DNS answer (rebinding) is never used; the
 * Host header and TLS SNI/certificate check keep the original name. Redirects (301/302/303/307/308 with
 * Location) are followed by hand, each hop re-checked before connecting, at most maxRedirects; 303 (and
 * 301/302 after a POST) continue as GET without a body. A redirect to another origin (scheme, host or
 * port differ) drops every header the caller set except the harmless CROSS_ORIGIN_HEADERS (user-agent,
 * accept, and content-type while a 307/308 still re-sends the body, as fetch does), so API keys, tokens
 * and ids meant for the first origin never reach the next one; they stay dropped for the rest of the
 * chain, even if a later hop comes back. One deadline (timeoutMs) covers DNS, connect, all hops and the
 * body, which is read up to maxResponseBytes and then cut off (truncated: true), never failing the request.
 *
 * OUTBOUND_ALLOWLIST entries bypass the address check: a host-name entry trusts that name whatever it
 * resolves to; IP/CIDR entries allow matching addresses. Nothing here logs, and errors never carry
 * header values, URL credentials or query strings.
 */

export type OutboundMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Resolves a host name to its A and AAAA addresses ([] or a rejection when it has none). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface OutboundRequestOptions {
  url: string;
  method?: OutboundMethod;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Deadline for the whole exchange, all redirects included. Default 10 000. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** The body is cut off after this many bytes. Default 65 536. */
  maxResponseBytes?: number;
}

export interface OutboundDeps {
  resolve: ResolveHost;
  /** Parsed allowlist, or OUTBOUND_ALLOWLIST entries (parsed on each call; invalid entries throw). */
  allowlist?: Allowlist | readonly string[];
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** UTF-8 decoded, at most maxResponseBytes bytes of it. */
  body: string;
  truncated: boolean;
  /** The URL of the hop that answered (credentials removed). */
  url: string;
  /** Redirects followed. */
  redirects: number;
}

export const OUTBOUND_DEFAULTS = { timeoutMs: 10_000, maxRedirects: 5, maxResponseBytes: 64 * 1024 } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers the client owns: callers may not set them (no Host spoofing or request smuggling). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect']);
/** The only caller-set headers kept when a redirect leaves the origin: they describe the request, not who sends it. */
const CROSS_ORIGIN_HEADERS = new Set(['user-agent', 'accept', 'content-type']);

interface Target {
  /** Host as Node's http.request takes it: a name, or an IP literal without brackets. */
  host: string;
  address: string;
  family: 4 | 6;
}

export async function outboundRequest(opts: OutboundRequestOptions, deps: OutboundDeps): Promise<OutboundResponse> {
  const timeoutMs = opts.timeoutMs ?? OUTBOUND_DEFAULTS.timeoutMs;
  const maxRedirects = opts.maxRedirects ?? OUTBOUND_DEFAULTS.maxRedirects;
  const cap = opts.maxResponseBytes ?? OUTBOUND_DEFAULTS.maxResponseBytes;
  const given = deps.allowlist ?? [];
  const allowlist = 'allowsHost' in given ? given : parseAllowlist(given);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(new OutboundTimeoutError(timeoutMs))));
  aborted.catch(() => {});

  let method: string = (opts.method ?? 'GET').toUpperCase();
  let body = method === 'GET' || method === 'HEAD' ? undefined : opts.body;
  let headers = ownHeaders(opts.headers ?? {});
  try {
    let url = parseUrl(opts.url);
    for (let redirects = 0; ; redirects++) {
      const target = await Promise.race([checkTarget(url, deps.resolve, allowlist), aborted]);
      const res = await send(url, target, method, headers, body, controller.signal);
      const location = REDIRECTS.has(res.statusCode ?? 0) ? res.headers.location : undefined;
      if (!location) return { ...(await readBody(res, cap, controller.signal)), url: withoutCredentials(url), redirects };
      res.destroy();
      if (redirects >= maxRedirects) throw new OutboundTooManyRedirectsError(maxRedirects);
      const next = parseUrl(location, url);
      if (res.statusCode === 303 ? method !== 'HEAD' : (res.statusCode === 301 || res.statusCode === 302) && method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('content-')));
      }
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => CROSS_ORIGIN_HEADERS.has(k)));
      url = next;
    }
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof OutboundBlockedError) && !(err instanceof OutboundTooManyRedirectsError)) throw new OutboundTimeoutError(timeoutMs);
    throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function ownHeaders(given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const key = name.toLowerCase();
    if (!RESERVED_HEADERS.has(key) && value !== undefined) out[key] = String(value);
  }
  return out;
}

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new OutboundBlockedError(base ? 'the redirect Location is not a valid URL' : 'the URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundBlockedError(`scheme ${url.protocol} is not allowed (only http and https)`, url.hostname || undefined);
  return url;
}

function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Decides where this hop may connect: the checked address, or an OutboundBlockedError. */
async function checkTarget(url: URL, resolve: ResolveHost, allowlist: Allowlist): Promise<Target> {
  const hostname = url.hostname;
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(literal)) {
    const ip = parseIp(literal);
    if (!ip) throw new OutboundBlockedError(`${literal} is not a valid IP address`, literal);
    const reason = allowlist.allowsAddress(ip) ? null : blockReason(ip);
    if (reason) throw new OutboundBlockedError(`${formatIp(ip)} is ${reason}`, literal, formatIp(ip));
    return { host: literal, address: formatIp(ip), family: ip.family };
  }
  const name = hostname.replace(/\.$/, '');
  const trusted = allowlist.allowsHost(name);
  if (!trusted && (name === 'localhost' || name.endsWith('.localhost'))) throw new OutboundBlockedError(`host ${name} is loopback`, name);
  let answers: string[];
  try {
    answers = await resolve(name);
  } catch {
    answers = [];
  }
  if (!answers.length) throw new OutboundBlockedError(`host ${name} could not be resolved`, name);
  const ips: ParsedIp[] = [];
  for (const answer of answers) {
    const ip = parseIp(answer);
    if (!ip) throw new OutboundBlockedError(`host ${name} resolved to an invalid address`, name);
    const reason = trusted || allowlist.allowsAddress(ip) ? null : blockReason(ip);
    if (reason) throw new OutboundBlockedError(`host ${name} resolves to ${formatIp(ip)}, which is ${reason}`, name, formatIp(ip));
    ips.push(ip);
  }
  const chosen = ips.find((ip) => ip.family === 4) ?? ips[0];
  return { host: name, address: formatIp(chosen), family: chosen.family };
}

function send(url: URL, target: Target, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<http.IncomingMessage> {
  // The only answer the socket ever gets for the name: the address checked above.
  const lookup: LookupFunction = (_name, options, callback) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const isHttps = url.protocol === 'https:';
  const requestHeaders: Record<string, string | number> = { ...headers };
  if (body !== undefined) requestHeaders['content-length'] = Buffer.byteLength(body);
  const options: https.RequestOptions = {
    method,
    host: target.host,
    port: url.port ? Number(url.port) : isHttps ? 443 : 80,
    path: `${url.pathname}${url.search}`,
    headers: requestHeaders,
    agent: false,
    lookup,
    family: target.family,
    signal,
    ...(url.username || url.password ? { auth: `${decodeLoosely(url.username)}:${decodeLoosely(url.password)}` } : {}),
    ...(isHttps && target.host !== target.address ? { servername: target.host } : {}),
  };
  return new Promise((resolvePromise, reject) => {
    let req: http.ClientRequest;
    try {
      req = (isHttps ? https : http).request(options, resolvePromise);
    } catch (err) {
      // Invalid header name/value or method. Node's message may quote a value, so only its code is kept.
      const code = (err as { code?: string }).code;
      return reject(new OutboundNetworkError(`Outbound request could not be built: invalid method or header (${code ?? 'unknown'})`, code));
    }
    req.on('error', (err: NodeJS.ErrnoException) => reject(networkError(err, target)));
    req.end(body);
  });
}

function decodeLoosely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function networkError(err: NodeJS.ErrnoException, target: Target): OutboundNetworkError {
  const where = target.host === target.address ? target.address : `${target.host} (${target.address})`;
  return new OutboundNetworkError(`Outbound request to ${where} failed: ${err.code ?? err.message}`, err.code);
}

async function readBody(res: http.IncomingMessage, cap: number, signal: AbortSignal): Promise<Omit<OutboundResponse, 'url' | 'redirects'>> {
  const onAbort = () => res.destroy(new Error('aborted'));
  signal.addEventListener('abort', onAbort);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      const room = cap - size;
      chunks.push(chunk.subarray(0, room));
      size += Math.min(room, chunk.length);
      if (chunk.length > room) {
        truncated = true;
        break;
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    res.destroy();
  }
  // A connection cut by the deadline can look like a normal end of body.
  if (signal.aborted) throw new Error('aborted');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), truncated };
}
