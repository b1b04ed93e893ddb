import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accept a client's X-Request-ID when it is sane (so traces join up), else mint a UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  // A key pasted into the wrong header must not become our request id (it would be echoed and logged).
  if (value && SANE.test(value) && !/^(pk|sk)_/.test(value)) return value;
  return randomUUID();
}
