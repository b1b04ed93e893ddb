import { asError } from '../../core/errors.js';
import { createTickBatcher, storeTogetherOrAlone } from '../../core/tick-batcher.js';
import type { Database } from '../../db/client.js';
import type { SendBody } from './emails.schemas.js';
import { lookupSuppressions, prepareSend, storeSends, type PreparedSend, type SendAccepted, type SendContext } from './send-store.js';
import type { SendDeps } from './send.service.js';
import type { SenderPolicyDeps } from './sender-policy.js';

export type BatchedSendDeps = Omit<SendDeps, 'db'> & Pick<SenderPolicyDeps, 'config'> & { database: Database };

interface SendRequest {
  ctx: SendContext;
  body: SendBody;
}

/** Recipients per shared transaction: bounds its statements' size and the rows a retry redoes. */
const MAX_BATCH_RECIPIENTS = 200;
/**
 * Two batches in flight, where /v1/track keeps one (see track-batcher.ts): a send batch is a
 * transaction of six round trips (begin, contacts, emails + audit, jobs, billing, commit), so much of
 * its time is waiting, which a second batch fills. On the 2-core bench machine, back to back: 2,571
 * and 2,814 req/s with two, 2,405 and 2,520 with one.
 */
const MAX_IN_FLIGHT = 2;
const batchers = new WeakMap<Database, (request: SendRequest) => Promise<SendAccepted>>();

/**
 * /v1/send without an Idempotency-Key: the requests of one event-loop turn (or those that gathered
 * while earlier batches ran) are stored in one transaction, one statement per kind of row for all of
 * them, instead of ~9 statements each. A 200 still means the request's rows are committed. A request
 * refused while preparing fails alone; a batch whose transaction fails is retried one request at a
 * time, so a refusal (billing limit, unsubscribed contact) answers only the request it concerns.
 */
export function acceptSendThroughBatch(deps: BatchedSendDeps, ctx: SendContext, body: SendBody): Promise<SendAccepted> {
  let submit = batchers.get(deps.database);
  if (!submit) {
    submit = createTickBatcher((requests: SendRequest[]) => runRequests(deps, requests), { maxInFlight: MAX_IN_FLIGHT });
    batchers.set(deps.database, submit);
  }
  return submit({ ctx, body });
}

async function runRequests(deps: BatchedSendDeps, requests: SendRequest[]): Promise<(SendAccepted | Error)[]> {
  const policy = { db: deps.database.db, config: deps.config };
  const prepared = await Promise.allSettled(requests.map((r) => prepareSend(policy, r.ctx, r.body)));
  const results: (SendAccepted | Error)[] = prepared.map((p) => (p.status === 'rejected' ? asError(p.reason) : (undefined as never)));
  const ready = prepared.flatMap((p, index) => (p.status === 'fulfilled' ? [{ send: p.value, index }] : []));
  for (const chunk of chunks(ready)) await storeChunk(deps, chunk, results);
  return results;
}

/** A chunk whose transaction fails is retried one request at a time (storeTogetherOrAlone). */
async function storeChunk(deps: BatchedSendDeps, chunk: { send: PreparedSend; index: number }[], results: (SendAccepted | Error)[]) {
  const stored = await storeTogetherOrAlone(chunk.map((c) => c.send), (sends) => {
    // On PostgreSQL the suppression list is read on another connection while the transaction opens and
    // upserts the contacts (a round trip less in the batch's path). PGlite has one connection anyway.
    const suppressions = deps.database.kind === 'postgres' ? lookupSuppressions(deps.database.db, sends) : undefined;
    // Awaited inside the transaction; this only keeps an early failure from counting as unhandled.
    suppressions?.catch(() => {});
    return deps.database.db.transaction((tx) => storeSends(deps, tx, sends, suppressions));
  });
  chunk.forEach((c, i) => (results[c.index] = stored[i]));
}

/** Consecutive groups of at most MAX_BATCH_RECIPIENTS recipients (a bigger single request is its own group). */
function chunks<T extends { send: PreparedSend }>(list: T[]): T[][] {
  const out: T[][] = [];
  let size = 0;
  for (const item of list) {
    const n = item.send.recipients.length;
    if (!out.length || size + n > MAX_BATCH_RECIPIENTS) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1].push(item);
    size += n;
  }
  return out;
}

