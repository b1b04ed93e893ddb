import type { Executor } from '../../db/client.js';
import { countActiveCampaignsForSegment } from './campaigns.queries.js';

// What other features ask about campaigns without pulling in the whole campaigns service (the
// segments feature imports this; campaigns imports segments, so this file stays free of that cycle).

/** DRAFT, SCHEDULED and SENDING campaigns of the project whose audience is, or names, the segment. */
export function countActiveCampaignsUsingSegment(db: Executor, projectId: string, segmentId: string): Promise<number> {
  return countActiveCampaignsForSegment(db, projectId, segmentId);
}
