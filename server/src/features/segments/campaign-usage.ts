import type { Executor } from '../../db/client.js';
import { countActiveCampaignsUsingSegment } from '../campaigns/campaign-usage.service.js';

/**
 * HOOK for the campaigns feature: how many active campaigns (DRAFT, SCHEDULED or SENDING) target this
 * segment, as their SEGMENT audience or through a `segment.<id>` filter of a FILTERED audience.
 * DELETE /segments/:id answers 409 CONFLICT while it is above zero.
 */
export async function segmentInUseByCampaigns(db: Executor, projectId: string, segmentId: string): Promise<number> {
  return countActiveCampaignsUsingSegment(db, projectId, segmentId);
}
