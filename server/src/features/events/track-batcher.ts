import { createTickBatcher, storeTogetherOrAlone } from '../../core/tick-batcher.js';
import type { Database } from '../../db/client.js';
import { trackBatchStatement, type TrackedRow, type TrackInputRow } from './track.queries.js';

const MAX_BATCH = 200;
/**
 * One batch in flight per process: while it runs, new requests pile up into the next one (group
 * commit), so each statement carries as many requests as arrived meanwhile. Measured on the 2-core
 * bench machine, larger batches beat overlapping smaller ones: in back-to-back runs, 0.81× the bare
 * baseline with one in flight against 0.59–0.67× with two and 0.69× with four; after the statement got
 * cheaper (set-based outbox flags, index probes for contacts), 4,819–4,897 req/s with one against
 * 4,689–5,032 with two and 4,665–4,779 with three (see README and bench/RESULTS.md); the per-row work in
 * PostgreSQL and the per-statement work in Node are what cost, not waiting. Connections stay free
 * for key lookups and everything else. (PGlite runs one query at a time anyway.)
 */
const MAX_IN_FLIGHT = 1;
const batchers = new WeakMap<Database, (row: TrackInputRow) => Promise<TrackedRow>>();

/**
 * Concurrent /v1/track requests share statements: each turn of the event loop (or, when the
 * in-flight limit is reached, as soon as a batch finishes), the pending requests are split into
 * batches in which every contact appears once (a statement cannot upsert the same row twice) and
 * run one after another. A 200 still means the request's rows are stored.
 */
export function trackThroughBatch(database: Database, row: TrackInputRow): Promise<TrackedRow> {
  let submit = batchers.get(database);
  if (!submit) {
    submit = createTickBatcher((rows: TrackInputRow[]) => runInDistinctBatches(database, rows), { maxInFlight: MAX_IN_FLIGHT });
    batchers.set(database, submit);
  }
  return submit(row);
}

async function runInDistinctBatches(database: Database, rows: TrackInputRow[]): Promise<(TrackedRow | Error)[]> {
  const results: (TrackedRow | Error)[] = new Array(rows.length);
  let remaining = rows.map((row, index) => ({ row, index }));
  while (remaining.length) {
    const seen = new Set<string>();
    const batch: typeof remaining = [];
    const later: typeof remaining = [];
    for (const item of remaining) {
      const key = `${item.row.contact.projectId}\n${item.row.contact.email}`;
      if (batch.length < MAX_BATCH && !seen.has(key)) {
        seen.add(key);
        batch.push(item);
      } else later.push(item);
    }
    await runBatch(database, batch, results);
    remaining = later;
  }
  return results;
}

async function runBatch(database: Database, batch: { row: TrackInputRow; index: number }[], results: (TrackedRow | Error)[]) {
  const out = await storeTogetherOrAlone(batch.map((b) => b.row), (rows) => trackBatchStatement(database, rows));
  batch.forEach((b, i) => (results[b.index] = out[i]));
}
