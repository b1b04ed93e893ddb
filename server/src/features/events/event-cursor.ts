import { AppError } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { EventPosition } from './events.queries.js';

// An opaque keyset cursor: the (created_at, id) of the last event on a page, bound to its project.
// Only the project check matters for safety (every query filters by project anyway); the rest keeps
// garbage out of the SQL.

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeEventCursor(projectId: string, position: EventPosition): string {
  return Buffer.from(JSON.stringify({ p: projectId, t: position.createdAt, i: position.id })).toString('base64url');
}

export function decodeEventCursor(projectId: string, cursor: string): EventPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const c = parsed as { p?: unknown; t?: unknown; i?: unknown } | null;
  const valid =
    !!c && typeof c === 'object' && c.p === projectId && typeof c.t === 'string' && TIMESTAMP.test(c.t) && typeof c.i === 'string' && isUuid(c.i);
  if (!valid) throw new AppError('BAD_REQUEST', 'Invalid events cursor');
  return { createdAt: c.t as string, id: c.i as string };
}
