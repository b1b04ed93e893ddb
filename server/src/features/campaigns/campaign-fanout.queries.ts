import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.js';
import { campaigns, contacts, emails, type CampaignRow, type ContactRow } from '../../db/schema/index.js';

// SQL of the fan-out and the finalizer. It writes `emails` rows on purpose: materialising a batch of
// recipients, their jobs and the checkpoint in ONE transaction is what makes a crash lose nothing and
// duplicate nothing, so the insert cannot go through the emails feature's single-row service.

export type NewCampaignEmail = typeof emails.$inferInsert;

const c = alias(contacts, 'c');

export async function findCampaignById(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  return row;
}

/** The campaign row, locked until the transaction ends: fan-out batches and cancel serialise on it. */
export async function lockCampaign(db: Executor, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id)).for('update');
  return row;
}

/** The next contacts of the audience (`where` is over `contacts c`), in id order after the checkpoint. */
export async function listFanOutContacts(db: Executor, where: SQL, afterId: string | null, limit: number): Promise<ContactRow[]> {
  const conds = afterId ? and(where, sql`c.id > ${afterId}`) : where;
  return db.select().from(c).where(conds).orderBy(asc(c.id)).limit(limit);
}

/** Inserts a batch; rows whose (campaign, contact) already exists are skipped. Returns the new ids. */
export async function insertCampaignEmails(db: Executor, rows: NewCampaignEmail[]): Promise<string[]> {
  if (!rows.length) return [];
  const inserted = await db
    .insert(emails)
    .values(rows)
    .onConflictDoNothing({ target: [emails.campaignId, emails.contactId], where: sql.raw('campaign_id is not null') })
    .returning({ id: emails.id });
  return inserted.map((r) => r.id);
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
