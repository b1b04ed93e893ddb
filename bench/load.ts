import autocannon from 'autocannon';
import { redact } from './lib.js';

export interface LoadOptions {
  durationSeconds: number;
  connections: number;
  /** How many distinct contacts the load cycles through. */
  distinctEmails: number;
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

/**
 * POST /v1/track at full speed for a fixed time. Every request names a different contact, cycling
 * over `distinctEmails` addresses: the first pass creates contacts, later passes hit existing ones,
 * which is the mix a real tracking endpoint sees (a single address would serialise on its row lock).
 */
export async function loadTrack(baseUrl: string, bearer: string | null, opts: LoadOptions): Promise<Measurement> {
  let n = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;

  const result = await autocannon({
    url: baseUrl,
    connections: opts.connections,
    duration: opts.durationSeconds,
    // Longer than the run: a slow answer is recorded as latency (and shows in p99/max) instead of
    // being turned into an error and dropped from the histogram.
    timeout: opts.durationSeconds + 10,
    requests: [
      {
        method: 'POST',
        path: '/v1/track',
        headers,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ event: 'page.view', email: `user-${n++ % opts.distinctEmails}@example.com` }),
        }),
      },
    ],
  });

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
export async function probeTrack(baseUrl: string, bearer: string | null): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ event: 'bench.probe', email: 'probe@example.com' }),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`probe POST /v1/track answered ${res.status}: ${redact(body.slice(0, 500))}`);
}
