import autocannon from 'autocannon';
import { redact } from './lib.js';

export interface LoadOptions {
  durationSeconds: number;
  connections: number;
  /** How many distinct contacts the load cycles through. */
  distinctEmails: number;
  /** Seconds of the same load before the measured run, discarded (JIT, pool connections, first plans). */
  warmupSeconds: number;
}

export interface Measurement {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCodes: string;
}

/** What one benchmark POSTs: the path and the body of the n-th request. */
export interface PostLoad {
  path: string;
  body(n: number, opts: LoadOptions): unknown;
}

/**
 * Every request names a different contact, cycling over `distinctEmails` addresses: the first pass
 * creates contacts, later passes hit existing ones, which is the mix a real endpoint sees (a single
 * address would serialise on its row lock).
 */
export const TRACK: PostLoad = {
  path: '/v1/track',
  body: (n, o) => ({ event: 'page.view', email: `user-${n % o.distinctEmails}@example.com` }),
};

/** A transactional send with inline content: the accept path (contact upsert, email row, job) is what is measured. */
export const SEND: PostLoad = {
  path: '/v1/send',
  body: (n, o) => ({
    to: `user-${n % o.distinctEmails}@example.com`,
    from: 'bench@example.com',
    subject: 'Your receipt',
    body: '<p>Hello {{ name | default: "there" }}, thanks for your order.</p>',
  }),
};

async function run(baseUrl: string, bearer: string | null, load: PostLoad, opts: LoadOptions, durationSeconds: number, first: number) {
  let n = first;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const result = await autocannon({
    url: baseUrl,
    connections: opts.connections,
    duration: durationSeconds,
    // Longer than the run: a slow answer is recorded as latency (and shows in p99/max) instead of
    // being turned into an error and dropped from the histogram.
    timeout: durationSeconds + 10,
    requests: [{ method: 'POST', path: load.path, headers, setupRequest: (req) => ({ ...req, body: JSON.stringify(load.body(n++, opts)) }) }],
  });
  return { result, next: n };
}

/** POSTs at full speed: a discarded warm-up, then the measured run. */
export async function loadPost(baseUrl: string, bearer: string | null, load: PostLoad, opts: LoadOptions): Promise<Measurement> {
  let first = 0;
  if (opts.warmupSeconds > 0) first = (await run(baseUrl, bearer, load, opts, opts.warmupSeconds, 0)).next;
  const { result } = await run(baseUrl, bearer, load, opts, opts.durationSeconds, first);
  const statusCodes = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ');
  return {
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    total: result.requests.total ?? 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** One request before the load, so a broken setup fails with a readable reason instead of 50k 401s. */
export async function probe(baseUrl: string, bearer: string | null, load: PostLoad, opts: LoadOptions): Promise<void> {
  const res = await fetch(`${baseUrl}${load.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(load.body(0, { ...opts, distinctEmails: 1 })),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`probe POST ${load.path} answered ${res.status}: ${redact(body.slice(0, 500))}`);
}
