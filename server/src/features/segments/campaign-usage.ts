import type { Executor } from '../../db/client.js';

/**
 * HOOK for the campaigns feature: how many active campaigns (DRAFT, SCHEDULED or SENDING) target this
 * segment. DELETE /segments/:id answers 409 CONFLICT while it is above zero. There is no campaigns
 * table yet, so nothing uses a segment; campaigns replaces the body with a call to its own service
 * (e.g. `countActiveCampaignsForSegment(db, projectId, segmentId)`), keeping this signature.
 */
export async function segmentInUseByCampaigns(_db: Executor, _projectId: string, _segmentId: string): Promise<number> {
  return 0;
}
