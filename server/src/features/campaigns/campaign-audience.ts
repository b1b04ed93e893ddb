import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { CampaignRow } from '../../db/schema/index.js';
import { countAudience, segmentAudience } from '../segments/audience.service.js';
import { compileAudience } from '../segments/filter-compiler.js';
import { contactNotSuppressed } from '../suppressions/suppressions.service.js';

// Who a campaign goes to, in ONE place: the count shown before sending (totalRecipients, the send
// route's "no recipients" check) and the fan-out that materialises email rows both use
// `campaignAudience`, so the number shown is the number sent (issue 6, Plunk #337).

/** The campaign fields the audience depends on (a stored row, or a draft being created or updated). */
export type AudienceSpec = Pick<CampaignRow, 'projectId' | 'type' | 'audienceType' | 'segmentId' | 'audienceCondition'> &
  Partial<Pick<CampaignRow, 'status' | 'snapshotAt'>>;

const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** The audience before the delivery rules: everyone, a saved segment (404 if gone), or an inline condition. */
async function baseAudience(db: Executor, c: AudienceSpec, now: Date): Promise<SQL> {
  switch (c.audienceType) {
    case 'ALL':
      return sql`c.project_id = ${c.projectId}`;
    case 'SEGMENT':
      return segmentAudience(db, c.projectId, c.segmentId ?? '', now);
    case 'FILTERED':
      // Errors point at the request field campaigns use.
      return compileAudience(db, c.projectId, c.audienceCondition, now, { prefix: 'audienceCondition' });
  }
}

/**
 * The WHERE fragment over `contacts c` (project filter included) selecting the campaign's recipients
 * as of `now`:
 * - the audience (ALL / SEGMENT / FILTERED);
 * - never an address on the project's suppression list — the worker would end it SUPPRESSED for any
 *   type of mail (features/suppressions/delivery-gate.ts), so it is never counted as a recipient;
 * - MARKETING only: subscribed contacts whose snooze (hosted manage page) is not running at `now`,
 *   the same rules the delivery gate applies to marketing mail; TRANSACTIONAL campaigns reach
 *   unsubscribed and snoozed contacts too (Plunk #337);
 * - once sending started (`snapshotAt` set and the campaign no longer DRAFT/SCHEDULED): only contacts
 *   that existed at the snapshot, so a fan-out resumed later does not pick up newer contacts.
 * A project-wide marketing pause (reputation guard) is not an audience rule: it holds mail back, it
 * does not change who the campaign is for.
 */
export async function campaignAudience(db: Executor, campaign: AudienceSpec, now: Date): Promise<SQL> {
  const parts: SQL[] = [await baseAudience(db, campaign, now), contactNotSuppressed()];
  if (campaign.type === 'MARKETING') parts.push(sql`c.subscribed = true and (c.snoozed_until is null or c.snoozed_until <= ${at(now)})`);
  const started = campaign.status !== undefined && campaign.status !== 'DRAFT' && campaign.status !== 'SCHEDULED';
  if (campaign.snapshotAt && started) parts.push(sql`c.created_at <= ${at(campaign.snapshotAt)}`);
  return sql`(${sql.join(parts, sql` and `)})`;
}

/** How many contacts `campaignAudience` selects right now (totalRecipients of a draft). */
export async function countCampaignAudience(db: Executor, campaign: AudienceSpec, now: Date): Promise<number> {
  return countAudience(db, await campaignAudience(db, campaign, now));
}
