import { createHmac } from 'node:crypto';
import { safeEqual } from './crypto.js';
import { AppError } from './errors.js';
import { isUuid } from './ids.js';

// Opaque keyset cursors: base64url(JSON) + "." + HMAC. The MAC covers a scope (which listing) and the
// project id, so a cursor only works in the listing and project it was issued for, and a client cannot
// forge a position. Clients must treat cursors as opaque: the payload may change.

const MAC_BYTES = 16;

function macOf(key: Buffer, scope: string, projectId: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`${scope}\n${projectId}\n${payload}`).digest().subarray(0, MAC_BYTES);
}

export function invalidCursor(): AppError {
  return new AppError('BAD_REQUEST', 'Invalid cursor: pass the cursor from the previous page of this same listing', { field: 'cursor' });
}

export function signCursor(key: Buffer, scope: string, projectId: string, value: unknown): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${macOf(key, scope, projectId, payload).toString('base64url')}`;
}

/** The verified JSON payload of a cursor issued for this scope and project; anything else → 400 BAD_REQUEST. */
export function openCursor(key: Buffer, scope: string, projectId: string, cursor: string): unknown {
  const [payload, mac, extra] = cursor.split('.');
  if (!payload || !mac || extra !== undefined) throw invalidCursor();
  if (!safeEqual(Buffer.from(mac, 'base64url'), macOf(key, scope, projectId, payload))) throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
}

/** Position after the last row of a page ordered by (created_at, id): the timestamp as text keeps microseconds. */
export interface TimePosition {
  at: string;
  id: string;
}

export function encodeTimeCursor(key: Buffer, scope: string, projectId: string, pos: TimePosition): string {
  return signCursor(key, scope, projectId, { t: pos.at, i: pos.id });
}

export function decodeTimeCursor(key: Buffer, scope: string, projectId: string, cursor: string): TimePosition {
  const v = openCursor(key, scope, projectId, cursor) as { t?: unknown; i?: unknown } | null;
  if (!v || typeof v.t !== 'string' || Number.isNaN(Date.parse(v.t)) || typeof v.i !== 'string' || !isUuid(v.i)) throw invalidCursor();
  return { at: v.t, id: v.i };
}
