import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { campaigns, emails, type CampaignRow, type CampaignStatus } from '../../db/schema/index.js';

// Status transitions of a campaign (schedule, start, cancel, revert). Each is one conditional UPDATE,
// so two callers racing (a start job and a cancel) cannot both win.

/** Email states meaning "handed to a transport, or may have been": such a campaign can no longer go back to DRAFT. */
const LEFT_STATUSES = ['SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED'] as const;

export async function scheduleCampaignRow(db: Executor, id: string, scheduledFor: Date): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: 'SCHEDULED', scheduledFor, updatedAt: sql`now()` })
    .where(and(eq(campaigns.id, id), inArray(campaigns.status, ['DRAFT', 'SCHEDULED'])))
    .returning();
  return row;
}

/** DRAFT/SCHEDULED → SENDING with the audience snapshot; a fresh fan-out (cursor cleared). */
export async function startCampaignRow(db: Executor, id: string, from: CampaignStatus[], now: Date, totalRecipients: number): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({
      status: 'SENDING',
      snapshotAt: now,
      startedAt: now,
      totalRecipients,
      fanoutCursor: null,
      fanoutDone: false,
      completedAt: null,
      cancelledAt: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(campaigns.id, id), inArray(campaigns.status, from)))
    .returning();
  return row;
}

export async function revertScheduledToDraft(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: 'DRAFT', scheduledFor: null, updatedAt: sql`now()` })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, 'SCHEDULED')))
    .returning();
  return row;
}

/** SENDING → CANCELLED: the fan-out stops at its next batch and workers fail what is still queued. */
export async function markCampaignCancelled(db: Executor, id: string, now: Date): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: 'CANCELLED', cancelledAt: now, updatedAt: sql`now()` })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, 'SENDING')))
    .returning();
  return row;
}

/** CANCELLED with nothing sent → DRAFT, as if it had never been started. */
export async function revertCancelledToDraft(db: Executor, id: string, totalRecipients: number): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({
      status: 'DRAFT',
      scheduledFor: null,
      snapshotAt: null,
      startedAt: null,
      cancelledAt: null,
      completedAt: null,
      fanoutCursor: null,
      fanoutDone: false,
      totalRecipients,
      updatedAt: sql`now()`,
    })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, 'CANCELLED')))
    .returning();
  return row;
}

/** Whether any email of the campaign has left, or may have (SENDING), or was ever handed over (sent_at). */
export async function anyCampaignEmailLeft(db: Executor, id: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(emails)
    .where(and(eq(emails.campaignId, id), sql`(${emails.sentAt} is not null or ${emails.status} in ${sql.raw(`('${LEFT_STATUSES.join("','")}')`)})`))
    .limit(1);
  return Boolean(row);
}

/**
 * Deletes up to `limit` rows that never left (PENDING, FAILED, SUPPRESSED without sent_at). The outer
 * conditions are re-checked on a row a worker claims meanwhile, so a row turned SENDING is kept.
 */
export async function deleteUnsentCampaignEmails(db: Executor, id: string, limit: number): Promise<number> {
  const rows = await db
    .delete(emails)
    .where(
      sql`${emails.id} in (select e.id from emails e where e.campaign_id = ${id} and e.sent_at is null and e.status in ('PENDING', 'FAILED', 'SUPPRESSED') limit ${limit})
        and ${emails.sentAt} is null and ${emails.status} in ('PENDING', 'FAILED', 'SUPPRESSED')`,
    )
    .returning({ id: emails.id });
  return rows.length;
}

/** Ends up to `limit` PENDING rows FAILED with `reason`. Returns how many. */
export async function failPendingCampaignEmails(db: Executor, id: string, reason: string, limit: number): Promise<number> {
  const rows = await db
    .update(emails)
    .set({ status: 'FAILED', statusReason: reason, failedAt: sql`now()`, updatedAt: sql`now()`, attachments: null })
    .where(sql`${emails.id} in (select e.id from emails e where e.campaign_id = ${id} and e.status = 'PENDING' limit ${limit}) and ${emails.status} = 'PENDING'`)
    .returning({ id: emails.id });
  return rows.length;
}
