import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { invalidCursor, openCursor, signCursor } from '../../core/signed-cursor.js';
import type { ContactSort, SortDir } from './contacts.queries.js';

// Keyset cursors for GET /contacts: base64url(JSON {s, d, v, i}) + "." + HMAC (core/signed-cursor.ts).
// The MAC covers the project id, so a cursor only works in the project (and the sort/direction) it was
// issued for, and a client cannot forge a position. Opaque to clients: the format may change.

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

const SCOPE = 'contacts-cursor';

export function encodeCursor(key: Buffer, projectId: string, pos: CursorPosition): string {
  return signCursor(key, SCOPE, projectId, { s: pos.sort, d: pos.dir, v: pos.value, i: pos.id } satisfies CursorPayload);
}

/** Verifies and decodes a cursor for this project and sort; anything else → 400 BAD_REQUEST. */
export function decodeCursor(key: Buffer, projectId: string, cursor: string, sort: ContactSort, dir: SortDir): CursorPosition {
  const decoded = openCursor(key, SCOPE, projectId, cursor) as Partial<CursorPayload> | null;
  if (!decoded || typeof decoded.v !== 'string' || typeof decoded.i !== 'string' || !isUuid(decoded.i)) throw invalidCursor();
  if (decoded.s !== sort || decoded.d !== dir) {
    throw new AppError('BAD_REQUEST', 'Cursor was issued for a different sort or direction; restart from the first page', { field: 'cursor' });
  }
  return { sort, dir, value: decoded.v, id: decoded.i };
}
