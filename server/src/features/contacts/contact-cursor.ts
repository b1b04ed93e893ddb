import { createHmac } from 'node:crypto';
import { safeEqual } from '../../core/crypto.js';
import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { ContactSort, SortDir } from './contacts.queries.js';

// Keyset cursors for GET /contacts: base64url(JSON {s, d, v, i}) + "." + HMAC. The MAC covers the
// project id, so a cursor only works in the project (and the sort/direction) it was issued for, and
// a client cannot forge a position. Opaque to clients: the format may change.

export interface CursorPosition {
  sort: ContactSort;
  dir: SortDir;
  /** The sort column's value of the last row, as text. */
  value: string;
  id: string;
}

interface CursorPayload {
  s: ContactSort;
  d: SortDir;
  v: string;
  i: string;
}

const MAC_BYTES = 16;

function macOf(key: Buffer, projectId: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`contacts-cursor\n${projectId}\n${payload}`).digest().subarray(0, MAC_BYTES);
}

export function encodeCursor(key: Buffer, projectId: string, pos: CursorPosition): string {
  const payload = Buffer.from(JSON.stringify({ s: pos.sort, d: pos.dir, v: pos.value, i: pos.id } satisfies CursorPayload)).toString('base64url');
  return `${payload}.${macOf(key, projectId, payload).toString('base64url')}`;
}

function invalidCursor(): AppError {
  return new AppError('BAD_REQUEST', 'Invalid cursor: pass the cursor from the previous page of this same listing', { field: 'cursor' });
}

/** Verifies and decodes a cursor for this project and sort; anything else → 400 BAD_REQUEST. */
export function decodeCursor(key: Buffer, projectId: string, cursor: string, sort: ContactSort, dir: SortDir): CursorPosition {
  const [payload, mac, extra] = cursor.split('.');
  if (!payload || !mac || extra !== undefined) throw invalidCursor();
  if (!safeEqual(Buffer.from(mac, 'base64url'), macOf(key, projectId, payload))) throw invalidCursor();
  let decoded: Partial<CursorPayload>;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof decoded.v !== 'string' || typeof decoded.i !== 'string' || !isUuid(decoded.i)) throw invalidCursor();
  if (decoded.s !== sort || decoded.d !== dir) {
    throw new AppError('BAD_REQUEST', 'Cursor was issued for a different sort or direction; restart from the first page', { field: 'cursor' });
  }
  return { sort, dir, value: decoded.v, id: decoded.i };
}
