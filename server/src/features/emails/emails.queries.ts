import { and, desc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { TimePosition } from '../../core/signed-cursor.js';
import { queryRows, type Executor } from '../../db/client.js';
import { emails, inboxMessages, type EmailAttachment, type EmailRow, type EmailStatus } from '../../db/schema/index.js';
import { uuidArrayLiteral } from '../../db/uuid-array.js';

export type NewEmail = typeof emails.$inferInsert;

export async function insertEmail(db: Executor, row: NewEmail): Promise<EmailRow> {
  const [email] = await db.insert(emails).values(row).returning();
  return email;
}

/** An email accepted by /v1/send, its id chosen by the caller. */
export interface AcceptedEmail {
  id: string;
  projectId: string;
  contactId: string;
  marketing: boolean;
  trackingOverride: boolean | null;
  toEmail: string;
  toName: string | null;
  fromEmail: string;
  fromName: string | null;
  replyTo: string | null;
  subject: string;
  body: string;
  headers: Record<string, string> | null;
  templateId: string | null;
  attachments: EmailAttachment[] | null;
  billableUnits: number;
  renderData: Record<string, unknown>;
  requestId: string | null;
  /** PENDING unless SUPPRESSED (with its reason). */
  status: 'PENDING' | 'SUPPRESSED';
  statusReason: string | null;
}

/**
 * Many transactional emails in one statement, read from the jsonb parameter `param` (`$1`, `$2`…) holding
 * AcceptedEmail rows: no per-value SQL building. Text only, so the send path prepares it together with
 * its audit rows.
 */
export const acceptedEmailsInsertText = (param: string) =>
  `insert into emails (id, project_id, contact_id, source_type, marketing, tracking_override, to_email, to_name,
      from_email, from_name, reply_to, subject, body, headers, template_id, attachments, billable_units, render_data, request_id, status, status_reason)
    select id, "projectId", "contactId", 'TRANSACTIONAL', marketing, "trackingOverride", "toEmail", "toName",
      "fromEmail", "fromName", "replyTo", subject, body, headers, "templateId", attachments, "billableUnits", "renderData", "requestId", status, "statusReason"
    from jsonb_to_recordset(${param}::jsonb) as x(id uuid, "projectId" uuid, "contactId" uuid, marketing boolean,
      "trackingOverride" boolean, "toEmail" text, "toName" text, "fromEmail" text, "fromName" text, "replyTo" text, subject text,
      body text, headers jsonb, "templateId" uuid, attachments jsonb, "billableUnits" int, "renderData" jsonb, "requestId" text,
      status text, "statusReason" text)`;

export async function findEmail(db: Executor, projectId: string, id: string): Promise<EmailRow | undefined> {
  const [row] = await db.select().from(emails).where(and(eq(emails.projectId, projectId), eq(emails.id, id)));
  return row;
}

export interface EmailListFilter {
  projectId: string;
  status?: EmailStatus;
  contactId?: string;
}

const CREATED_KEY = sql<string>`to_char(${emails.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first on emails_project_created_idx, ties broken by id; `limit + 1` rows so the caller knows if more follow. */
export async function listEmailRows(db: Executor, f: EmailListFilter, limit: number, after?: TimePosition) {
  const conds: SQL[] = [eq(emails.projectId, f.projectId)];
  if (f.status) conds.push(eq(emails.status, f.status));
  if (f.contactId) conds.push(eq(emails.contactId, f.contactId));
  if (after) {
    conds.push(sql`${emails.createdAt} <= ${after.at}::timestamptz`);
    conds.push(sql`(${emails.createdAt}, ${emails.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  }
  return db
    .select({
      id: emails.id,
      status: emails.status,
      reason: emails.statusReason,
      to: emails.toEmail,
      subject: emails.subject,
      sourceType: emails.sourceType,
      contactId: emails.contactId,
      sentAt: emails.sentAt,
      sortKey: CREATED_KEY,
    })
    .from(emails)
    .where(and(...conds))
    .orderBy(desc(emails.createdAt), desc(emails.id))
    .limit(limit + 1);
}

/**
 * Atomically takes emails for delivery, in one statement for a whole job batch. PENDING rows are
 * claimable; a SENDING row is only reclaimed once its lease is stale (its worker died mid-send). The
 * Message-ID is fixed here, before handoff, so a resend after a crash carries the same id and receivers
 * can dedupe. Rows settled or leased elsewhere are left out.
 */
export async function claimEmailsForSending(db: Executor, ids: string[], staleSeconds: number): Promise<EmailRow[]> {
  if (!ids.length) return [];
  return db
    .update(emails)
    .set({
      status: 'SENDING',
      attempts: sql`${emails.attempts} + 1`,
      sendingAt: sql`now()`,
      updatedAt: sql`now()`,
      messageId: sql`coalesce(${emails.messageId}, '<' || ${emails.id} || '@' || split_part(${emails.fromEmail}, '@', 2) || '>')`,
    })
    .where(
      and(
        sql`${emails.id} = any(${uuidArrayLiteral(ids)}::uuid[])`,
        // A CASE, not `status = 'PENDING' or …`: the ids must be found by primary key. With status as an
        // index condition, the planner combined emails_status_idx into a bitmap whenever its statistics
        // said PENDING was rare, so every claim read the index entries of a whole big campaign (each
        // claim cost grew with the campaign; measured in bench/RESULTS-campaign.md).
        sql`(case ${emails.status} when 'PENDING' then true
               when 'SENDING' then ${emails.sendingAt} < now() - make_interval(secs => ${staleSeconds}) else false end)`,
      ),
    )
    .returning();
}

/** Which of `ids` are SENDING (leased by a live delivery, or by a dead one whose lease has not run out). */
export async function listSendingEmailIds(db: Executor, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: emails.id })
    .from(emails)
    .where(and(sql`${emails.id} = any(${uuidArrayLiteral(ids)}::uuid[])`, eq(emails.status, 'SENDING')));
  return rows.map((r) => r.id);
}

export interface SentOutcome {
  id: string;
  reason: string;
  /** The transport's own id (SES MessageId), for matching its later notifications. */
  providerMessageId: string | null;
  /** When the transport accepted it (the batch settles later, after its slowest email). */
  sentAt: Date;
}

/**
 * SENDING → SENT for a batch of handed-off emails in one statement (only from SENDING, so a late worker
 * cannot overwrite a newer state). Returns the ids it moved.
 */
export async function settleSentEmails(db: Executor, sent: SentOutcome[]): Promise<Set<string>> {
  if (!sent.length) return new Set();
  const values = JSON.stringify(sent.map((o) => ({ id: o.id, reason: o.reason, provider_message_id: o.providerMessageId, sent_at: o.sentAt })));
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update emails e
        set status = 'SENT', status_reason = v.reason, sent_at = v.sent_at, updated_at = now(), attachments = null,
            provider_message_id = coalesce(v.provider_message_id, e.provider_message_id)
        from jsonb_to_recordset(${values}::jsonb) as v(id uuid, reason text, provider_message_id text, sent_at timestamptz)
        where e.id = v.id and e.status = 'SENDING'
        returning e.id`,
  );
  return new Set(rows.map((r) => r.id));
}

/** Moves a claimed email on; only from SENDING, so a late worker cannot overwrite a newer state. */
export async function settleEmail(
  db: Executor,
  id: string,
  status: 'SENT' | 'FAILED' | 'PENDING' | 'SUPPRESSED' | 'BOUNCED',
  reason: string | null,
): Promise<EmailRow | undefined> {
  const stamp =
    status === 'SENT' ? { sentAt: sql`now()` } : status === 'FAILED' ? { failedAt: sql`now()` } : status === 'BOUNCED' ? { bouncedAt: sql`now()`, bounceType: 'HARD' } : {};
  // Attachments are only kept until the email is settled for good; they can be megabytes per row.
  const cleared = status === 'PENDING' ? {} : { attachments: null };
  const [row] = await db
    .update(emails)
    .set({ status, statusReason: reason, updatedAt: sql`now()`, ...stamp, ...cleared })
    .where(and(eq(emails.id, id), eq(emails.status, 'SENDING')))
    .returning();
  return row;
}

/** Emails of the project not yet handed to a transport (PENDING or SENDING) whose sender is on `domain` or a subdomain of it. */
export async function countQueuedEmailsFromDomain(db: Executor, projectId: string, domain: string): Promise<number> {
  const host = sql`lower(split_part(${emails.fromEmail}, '@', 2))`;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(emails)
    .where(
      and(
        eq(emails.projectId, projectId),
        or(eq(emails.status, 'PENDING'), eq(emails.status, 'SENDING')),
        sql`(${host} = ${domain} or right(${host}, ${domain.length + 1}) = ${'.' + domain})`,
      ),
    );
  return row?.n ?? 0;
}

export async function insertInboxMessage(db: Executor, row: typeof inboxMessages.$inferInsert): Promise<void> {
  await db.insert(inboxMessages).values(row);
}

const inboxSummary = {
  id: inboxMessages.id,
  emailId: inboxMessages.emailId,
  messageId: inboxMessages.messageId,
  from: inboxMessages.envelopeFrom,
  to: inboxMessages.envelopeTo,
  subject: inboxMessages.subject,
  createdAt: inboxMessages.createdAt,
};

export async function listInboxMessages(db: Executor, projectId: string, limit: number) {
  return db.select(inboxSummary).from(inboxMessages).where(eq(inboxMessages.projectId, projectId)).orderBy(desc(inboxMessages.createdAt)).limit(limit);
}

export async function findInboxMessage(db: Executor, projectId: string, id: string) {
  const [row] = await db
    .select({ ...inboxSummary, raw: inboxMessages.raw })
    .from(inboxMessages)
    .where(and(eq(inboxMessages.projectId, projectId), eq(inboxMessages.id, id)));
  return row;
}
