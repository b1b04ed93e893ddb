import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { campaigns, emails, type CampaignRow } from '../../db/schema/index.js';

// SQL of the fan-out and the finalizer. It writes `emails` rows on purpose: materialising a batch of
// recipients, their jobs and the checkpoint in ONE transaction is what makes a crash lose nothing and
// duplicate nothing, so the insert cannot go through the emails feature's single-row service.

export async function findCampaignById(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  return row;
}

/** The campaign row, locked until the transaction ends: fan-out batches and cancel serialise on it. */
export async function lockCampaign(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
  return row;
}

/** What every email of a campaign shares; each recipient adds its contact, address and render data. */
export interface CampaignEmailShape {
  projectId: string;
  campaignId: string;
  marketing: boolean;
  fromEmail: string;
  fromName: string | null;
  replyTo: string | null;
  subject: string;
  body: string | null;
  templateId: string | null;
}

export interface FanOutBatch {
  /** Contacts of the audience taken after the checkpoint (inserted or already there). */
  size: number;
  /** The new checkpoint: the batch's last contact id, or null for an empty batch. */
  lastContactId: string | null;
  /** Email rows this statement created (a replayed batch creates none). */
  emailIds: string[];
}

/**
 * The next `limit` contacts of the audience (`where` is over `contacts c`) after the checkpoint, in id
 * order, materialised as PENDING email rows in ONE statement inside the database: no contact rows or
 * 500-row parameter lists travel to the worker and back. Rows whose (campaign, contact) exists are
 * skipped. The render data is the same snapshot `renderDataFor` (features/contacts) makes for
 * `/v1/send`: the contact's data between the `plunk_*` defaults and its id, email and subscription.
 */
export async function insertFanOutBatch(db: Executor, where: SQL, afterId: string | null, limit: number, e: CampaignEmailShape): Promise<FanOutBatch> {
  const after = afterId ? sql`and c.id > ${afterId}` : sql``;
  const rows = await queryRows<{ size: number; last_id: string | null; ids: string[] }>(
    db,
    sql`with batch as (
          select c.id, c.email, c.data, c.subscribed from contacts c where ${where} ${after} order by c.id limit ${limit}
        ), inserted as (
          insert into emails (project_id, contact_id, campaign_id, source_type, marketing, to_email, from_email, from_name,
                              reply_to, subject, body, template_id, render_data, billable_units, status)
          select ${e.projectId}, b.id, ${e.campaignId}, 'CAMPAIGN', ${e.marketing}, b.email, ${e.fromEmail}, ${e.fromName},
                 ${e.replyTo}, ${e.subject}, ${e.body}, ${e.templateId},
                 jsonb_build_object('plunk_id', b.id, 'plunk_email', b.email, 'locale', null)
                   || coalesce(b.data, '{}'::jsonb)
                   || jsonb_build_object('id', b.id, 'email', b.email, 'subscribed', b.subscribed),
                 1, 'PENDING'
          from batch b
          on conflict (campaign_id, contact_id) where campaign_id is not null do nothing
          returning id
        )
        select (select count(*)::int from batch) as size,
               (select id::text from batch order by id desc limit 1) as last_id,
               (select coalesce(json_agg(id), '[]'::json) from inserted) as ids`,
  );
  const row = rows[0];
  return { size: Number(row.size), lastContactId: row.last_id, emailIds: row.ids };
}

/** Saves the checkpoint; on the last batch, also reconciles totalRecipients to the rows that exist. */
export async function advanceFanOut(db: Executor, id: string, cursor: string | null, done: boolean): Promise<void> {
  await db
    .update(campaigns)
    .set({
      fanoutCursor: cursor,
      fanoutDone: done,
      updatedAt: sql`now()`,
      ...(done ? { totalRecipients: sql`(select count(*)::int from emails e where e.campaign_id = ${id})` } : {}),
    })
    .where(eq(campaigns.id, id));
}

/** SENDING, fan-out done, and no email of the campaign PENDING or SENDING: the campaign may become SENT. */
const finalizable = (id: string) =>
  and(
    eq(campaigns.id, id),
    eq(campaigns.status, 'SENDING'),
    eq(campaigns.fanoutDone, true),
    sql`not exists (select 1 from emails e where e.campaign_id = ${id} and e.status in ('PENDING', 'SENDING'))`,
  );

/** Whether `finalizeCampaignRow` would finalize the campaign now: one read, no transaction, no lock. */
export async function isCampaignFinalizable(db: Executor, id: string): Promise<boolean> {
  const rows = await db.select({ id: campaigns.id }).from(campaigns).where(finalizable(id));
  return rows.length > 0;
}

/**
 * SENDING → SENT once the fan-out is done and no email of the campaign is PENDING or SENDING: one
 * conditional UPDATE, so concurrent finalizers agree. Returns the row when this call finalized it.
 */
export async function finalizeCampaignRow(db: Executor, id: string, now?: Date): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({
      status: 'SENT',
      completedAt: now ?? sql`now()`,
      updatedAt: sql`now()`,
      totalRecipients: sql`(select count(*)::int from emails e where e.campaign_id = ${id})`,
    })
    .where(finalizable(id))
    .returning();
  return row;
}

/** Campaign emails left in SENDING longer than the lease: their worker died mid-send (kill -9). */
export async function listStaleSendingEmails(db: Executor, campaignId: string, staleSeconds: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.campaignId, campaignId), eq(emails.status, 'SENDING'), sql`${emails.sendingAt} < now() - make_interval(secs => ${staleSeconds})`))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Campaigns the periodic sweep looks at: sending ones (`stalled` when the checkpoint has not moved for
 * `stalledSeconds`, by the database clock), and scheduled ones whose start is overdue.
 */
export async function listCampaignsToSweep(db: Executor, overdueBefore: Date, stalledSeconds: number) {
  return db
    .select({
      id: campaigns.id,
      projectId: campaigns.projectId,
      status: campaigns.status,
      fanoutDone: campaigns.fanoutDone,
      fanoutCursor: campaigns.fanoutCursor,
      scheduledFor: campaigns.scheduledFor,
      stalled: sql<boolean>`${campaigns.updatedAt} < now() - make_interval(secs => ${stalledSeconds})`,
    })
    .from(campaigns)
    .where(sql`${campaigns.status} = 'SENDING' or (${campaigns.status} = 'SCHEDULED' and ${campaigns.scheduledFor} <= ${overdueBefore.toISOString()}::timestamptz)`)
    .limit(1000);
}

/** CANCELLED campaigns that still have PENDING rows (a cancel interrupted mid-way). */
export async function listCancelledWithPending(db: Executor): Promise<string[]> {
  const rows = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, 'CANCELLED'), sql`exists (select 1 from emails e where e.campaign_id = ${campaigns.id} and e.status = 'PENDING')`))
    .limit(100);
  return rows.map((r) => r.id);
}

/** The delivery worker's check, one primary-key read per campaign email. */
export async function findCampaignStatus(db: Executor, id: string): Promise<CampaignRow['status'] | undefined> {
  const [row] = await db.select({ status: campaigns.status }).from(campaigns).where(eq(campaigns.id, id));
  return row?.status;
}
