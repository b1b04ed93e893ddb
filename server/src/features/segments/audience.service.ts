import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { ContactRow } from '../../db/schema/index.js';
import { compileAudience, compileSegmentAudience } from './filter-compiler.js';
import { countMatching, listMatching, listMatchingIdsAfter } from './segments.queries.js';
import { getSegment } from './segments.service.js';

// What other features (campaigns) use to target contacts: a compiled WHERE fragment over `contacts c`
// (project filter included) and the queries that run it. Features may not import segments.queries.ts
// directly (ARCHITECTURE.md), so these wrap it.

export { parseCondition } from './filter-compiler.js';

/** FILTERED audiences: an unsaved condition (validated; 422 with `condition.…` paths). */
export function filterAudience(db: Executor, projectId: string, condition: unknown, now: Date): Promise<SQL> {
  return compileAudience(db, projectId, condition, now);
}

/** SEGMENT audiences (notes §4.11): STATIC by active rows, DYNAMIC by its live condition. 404 if not the project's. */
export async function segmentAudience(db: Executor, projectId: string, segmentId: string, now: Date): Promise<SQL> {
  return compileSegmentAudience(db, await getSegment(db, projectId, segmentId), now, { live: true });
}

export function countAudience(db: Executor, where: SQL): Promise<number> {
  return countMatching(db, where);
}

export function listAudience(db: Executor, where: SQL, page: { limit: number; offset: number }): Promise<ContactRow[]> {
  return listMatching(db, where, page);
}

/** Keyset batches of matching contact ids (id order), for fan-out. */
export function listAudienceIdsAfter(db: Executor, where: SQL, afterId: string | null, limit: number): Promise<string[]> {
  return listMatchingIdsAfter(db, where, afterId, limit);
}
