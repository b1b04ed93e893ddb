import { createHash } from 'node:crypto';
import { pgErrorCode, LOCK_NOT_AVAILABLE, UNIQUE_VIOLATION } from '../../core/db-errors.js';
import { AppError } from '../../core/errors.js';
import type { Database, Db } from '../../db/client.js';
import * as q from './idempotency.queries.js';

// Idempotency-Key semantics (DECISIONS §7): the key is stored in the same transaction as the
// request's effects. Same key + same body within the TTL → the original status and body again;
// another body → 422; a request still running → 409 with Retry-After. A request that fails
// rolls back and leaves the key free for a corrected retry.

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const WAIT_FOR_HOLDER_MS = 10_000;

export interface IdempotentRequest {
  projectId: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** Key order does not change a JSON body's meaning, so it does not change its hash. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(req: Pick<IdempotentRequest, 'method' | 'path' | 'body'>): string {
  return createHash('sha256').update(`${req.method} ${req.path}\n${canonical(req.body)}`).digest('hex');
}

async function replayIfStored(db: Db, req: IdempotentRequest, hash: string): Promise<StoredResponse | null> {
  const row = await q.findIdempotencyKey(db, req.projectId, req.key);
  if (!row) return null;
  if (row.expiresAt.getTime() <= Date.now()) {
    await q.deleteIdempotencyKey(db, req.projectId, req.key);
    return null;
  }
  if (row.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_MISMATCH', `Idempotency-Key "${req.key}" was already used with a different request`, {
      originalRequest: `${row.method} ${row.path}`,
      originalRequestAt: row.createdAt.toISOString(),
    });
  }
  return { status: row.statusCode!, body: row.responseBody, replayed: true };
}

/**
 * Runs `work` once per (project, key). Without a key it simply runs. `work` receives the
 * transaction its writes must use so they commit together with the key.
 */
export async function runIdempotent(
  database: Database,
  req: IdempotentRequest | null,
  work: (db: Db) => Promise<{ status: number; body: unknown }>,
): Promise<StoredResponse> {
  if (!req) return { ...(await work(database.db)), replayed: false };
  const hash = requestHash(req);
  const stored = await replayIfStored(database.db, req, hash);
  if (stored) return stored;
  try {
    return await database.db.transaction(async (tx) => {
      if (database.kind === 'postgres') await q.setLocalLockTimeout(tx, WAIT_FOR_HOLDER_MS);
      await q.claimIdempotencyKey(tx, { ...req, requestHash: hash, ttlSeconds: IDEMPOTENCY_TTL_SECONDS });
      const result = await work(tx as unknown as Db);
      await q.completeIdempotencyKey(tx, req.projectId, req.key, result.status, result.body);
      return { ...result, replayed: false };
    });
  } catch (err) {
    const code = pgErrorCode(err);
    // Another request with this key committed while we waited: answer with its result.
    if (code === UNIQUE_VIOLATION) {
      const replay = await replayIfStored(database.db, req, hash);
      if (replay) return replay;
    }
    if (code === LOCK_NOT_AVAILABLE || code === UNIQUE_VIOLATION) {
      throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', `A request with Idempotency-Key "${req.key}" is still being processed; retry shortly`, {
        retryAfter: 1,
      });
    }
    throw err;
  }
}

export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  return q.deleteExpiredIdempotencyKeys(db);
}
