import type { Logger } from 'pino';
import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { Database, Executor } from '../../db/client.js';
import { redactKeys } from '../keys/keys.js';
import { purgeExpiredSessions } from '../users/sessions.service.js';
import { deleteApiRequestsBefore, insertApiRequests, listApiRequestRows, type ApiRequestInsert } from './request-log.queries.js';

/** One answered API request, as the HTTP layer saw it. Never a header value, query string or body. */
export interface RequestLogEntry {
  requestId: string;
  projectId: string | null;
  userId: string | null;
  method: string;
  /** The URL path without its query string. */
  path: string;
  status: number;
  durationMs: number;
  authType: 'secret_key' | 'public_key' | 'session' | null;
  ip: string | null;
  userAgent: string | null;
  errorCode: string | null;
  at: Date;
}

export interface RequestLogWriter {
  /** Cheap and synchronous: the row waits in memory for the next batch insert. */
  record(entry: RequestLogEntry): void;
  flush(): Promise<void>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<void>;
}

export interface RequestLogOptions {
  flushEveryMs?: number;
  batchSize?: number;
  /** Past this many buffered rows (the database is failing or too slow), new rows are dropped. */
  maxBuffered?: number;
}

// Paths and user agents come from the client: a key pasted there must not reach the log, and NUL
// (which PostgreSQL text refuses) must not fail a whole batch.
const clean = (text: string, max: number) => redactKeys(text.replaceAll('\u0000', '')).slice(0, max);

function toRow(e: RequestLogEntry): ApiRequestInsert {
  return {
    requestId: clean(e.requestId, 200),
    projectId: e.projectId,
    userId: e.userId,
    method: e.method.slice(0, 16),
    path: clean(e.path, 2000),
    status: e.status,
    durationMs: Math.max(0, Math.round(e.durationMs)),
    authType: e.authType,
    ip: e.ip ? e.ip.slice(0, 100) : null,
    userAgent: e.userAgent ? clean(e.userAgent, 300) : null,
    errorCode: e.errorCode,
    createdAt: e.at.toISOString(),
  };
}

/**
 * Buffers request rows and writes them in one statement per batch (every second, or as soon as a
 * batch is full), off the request path. If the database fails, rows are dropped, not hoarded: one
 * error line when writes start failing, one line with the count when they recover.
 */
export function createRequestLogWriter(deps: { database: Database; log: Logger }, opts: RequestLogOptions = {}): RequestLogWriter {
  const batchSize = opts.batchSize ?? 500;
  const maxBuffered = opts.maxBuffered ?? 10_000;
  let buffer: RequestLogEntry[] = [];
  let running: Promise<void> | null = null;
  let flushQueued = false;
  let closed = false;
  let troubled = false;
  let dropped = 0;

  function dropping(count: number, err?: unknown) {
    dropped += count;
    if (troubled) return;
    troubled = true;
    deps.log.error({ err, dropped: count }, err ? 'request log: database write failed; dropping request rows until it recovers' : 'request log: buffer full; dropping request rows');
  }

  async function drain() {
    while (buffer.length) {
      const batch = buffer.length <= batchSize ? buffer : buffer.slice(0, batchSize);
      buffer = buffer.length <= batchSize ? [] : buffer.slice(batchSize);
      try {
        await insertApiRequests(deps.database, batch.map(toRow));
      } catch (err) {
        dropping(batch.length, err);
        return; // try again on the next tick rather than hammering a failing database
      }
      if (troubled) {
        deps.log.warn({ dropped }, 'request log: writing again; some request rows were dropped');
        troubled = false;
        dropped = 0;
      }
    }
  }

  function flush(): Promise<void> {
    running ??= drain().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => void flush(), opts.flushEveryMs ?? 1000);
  timer.unref();

  return {
    record(entry) {
      if (closed) return;
      if (buffer.length >= maxBuffered) return dropping(1);
      buffer.push(entry);
      if (buffer.length >= batchSize && !running && !flushQueued) {
        flushQueued = true;
        setImmediate(() => {
          flushQueued = false;
          void flush();
        });
      }
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await flush();
    },
  };
}

export interface ListRequestsInput {
  status?: string;
  method?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

const CURSOR_SCOPE = 'requests-cursor';

/** `404` → exactly 404; `4xx` → 400..499. */
function statusRange(status: string | undefined) {
  if (!status) return undefined;
  const lead = Number(status[0]) * 100;
  return /xx$/i.test(status) ? { min: lead, max: lead + 99 } : { min: Number(status), max: Number(status) };
}

/** GET /activity/requests: the project's API calls, newest first, keyset-paged on (created_at, id). */
export async function listApiRequests(deps: { db: Executor; masterKey: Buffer }, projectId: string, input: ListRequestsInput) {
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, input.cursor) : undefined;
  const filter = { projectId, status: statusRange(input.status), method: input.method || undefined, from: input.from, to: input.to };
  const rows = await listApiRequestRows(deps.db, filter, input.limit, after);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ sortKey, ...r }) => ({ ...r, createdAt: new Date(sortKey).toISOString() })),
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
  };
}

export interface PurgeDeps {
  db: Executor;
  clock: { now(): Date };
  config: { requestLog: { retentionDays: number } };
}

/**
 * Daily maintenance: request rows past the retention period, in batches so no statement holds
 * locks (or the single PGlite connection) for long; and expired dashboard sessions.
 */
export async function purgeRequestLog(deps: PurgeDeps, opts: { batchSize?: number } = {}) {
  const batch = opts.batchSize ?? 10_000;
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.requestLog.retentionDays * 86_400_000);
  let requests = 0;
  for (;;) {
    const n = await deleteApiRequestsBefore(deps.db, cutoff, batch);
    requests += n;
    if (n < batch) break;
  }
  const sessions = await purgeExpiredSessions(deps.db, now);
  return { requests, sessions };
}
