import { and, count, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { TimePosition } from '../../core/signed-cursor.js';
import { queryRows, type Executor } from '../../db/client.js';
import { emails } from '../../db/schema/index.js';

// A campaign's stats and recipients are read from its email rows (`emails.campaign_id`) and the
// events attributed to them: derived from rows, never kept as counters (ARCHITECTURE.md "Data and
// jobs"). Test sends carry no campaign_id, so they never count.

export interface CampaignEmailCounts {
  total: number;
  sent: number;
  delivered: number;
  opened: number;
  humanOpened: number;
  clicked: number;
  humanClicked: number;
  bounced: number;
  complained: number;
  suppressed: number;
  failed: number;
}

/**
 * One pass over the campaign's rows (index emails(campaign_id, status)). "Sent" means the message left
 * us: accepted by a transport, or refused by the receiving server at handoff (a hard bounce without
 * sent_at), so every bounce is also a sent message and no rate can pass 100 %.
 */
export async function countCampaignEmails(db: Executor, projectId: string, campaignId: string): Promise<CampaignEmailCounts> {
  const [r] = await queryRows<Record<keyof CampaignEmailCounts, number>>(
    db,
    sql`select count(*)::int as "total",
          count(*) filter (where m.sent_at is not null or m.bounced_at is not null)::int as "sent",
          count(*) filter (where m.delivered_at is not null)::int as "delivered",
          count(*) filter (where m.opens > 0)::int as "opened",
          count(*) filter (where m.human_opens > 0)::int as "humanOpened",
          count(*) filter (where m.clicks > 0)::int as "clicked",
          count(*) filter (where m.human_clicks > 0)::int as "humanClicked",
          count(*) filter (where m.bounced_at is not null)::int as "bounced",
          count(*) filter (where m.complained_at is not null)::int as "complained",
          count(*) filter (where m.status = 'SUPPRESSED')::int as "suppressed",
          count(*) filter (where m.status = 'FAILED')::int as "failed"
        from emails m where m.campaign_id = ${campaignId} and m.project_id = ${projectId}`,
  );
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as unknown as CampaignEmailCounts;
}

/**
 * Distinct contacts who unsubscribed through one of the campaign's emails: the hosted pages, one-click
 * and mailto unsubscribes attribute the `contact.unsubscribed` event to the email the link came in
 * (events.email_id, checked to be the contact's own). Bounces and complaints suppress the address
 * without such an event, so they never count here.
 */
export async function countCampaignUnsubscribes(db: Executor, projectId: string, campaignId: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`select count(distinct e.contact_id)::int as n
        from events e join emails m on m.id = e.email_id
        where e.project_id = ${projectId} and e.name = 'contact.unsubscribed'
          and m.project_id = ${projectId} and m.campaign_id = ${campaignId}`,
  );
  return Number(r?.n ?? 0);
}

export type RecipientFilter = 'bounced' | 'complained' | 'all';

/** The timestamp each listing is ordered by: when the bounce or complaint happened, or when the row was made. */
const ORDER_COLUMN = { bounced: emails.bouncedAt, complained: emails.complainedAt, all: emails.createdAt } as const;

/** `limit + 1` rows, newest first by the listing's timestamp then id, after the cursor's position. */
export async function listCampaignRecipientRows(db: Executor, projectId: string, campaignId: string, type: RecipientFilter, limit: number, after?: TimePosition) {
  const column = ORDER_COLUMN[type];
  const conds: SQL[] = [eq(emails.projectId, projectId), eq(emails.campaignId, campaignId)];
  if (type !== 'all') conds.push(isNotNull(column));
  if (after) {
    conds.push(sql`${column} <= ${after.at}::timestamptz`);
    conds.push(sql`(${column}, ${emails.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select({
      id: emails.id,
      contactId: emails.contactId,
      email: emails.toEmail,
      status: emails.status,
      reason: emails.statusReason,
      bounceType: emails.bounceType,
      sentAt: emails.sentAt,
      deliveredAt: emails.deliveredAt,
      bouncedAt: emails.bouncedAt,
      complainedAt: emails.complainedAt,
      openedAt: emails.openedAt,
      clickedAt: emails.clickedAt,
      // Text keeps the microseconds, so a cursor built from it resumes exactly after this row.
      sortKey: sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(emails)
    .where(and(...conds))
    .orderBy(desc(column), desc(emails.id))
    .limit(limit + 1);
}

/** Rows of the campaign (all) or with a bounce / complaint: the `total` of the recipients listing. */
export async function countCampaignRecipientRows(db: Executor, projectId: string, campaignId: string, type: RecipientFilter): Promise<number> {
  const conds: SQL[] = [eq(emails.projectId, projectId), eq(emails.campaignId, campaignId)];
  if (type !== 'all') conds.push(isNotNull(ORDER_COLUMN[type]));
  const [r] = await db.select({ n: count() }).from(emails).where(and(...conds));
  return Number(r?.n ?? 0);
}
