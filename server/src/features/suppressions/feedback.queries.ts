import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { emails, type EmailRow } from '../../db/schema/index.js';

// Feedback about sent mail (bounces, complaints, deliveries) lands on the email row. These writes live
// here rather than in features/emails because their rules (precedence, idempotency) are this feature's.
// Each update is one conditional statement: a concurrent duplicate waits on the row lock, re-checks the
// condition and changes nothing, so a notification is applied at most once.

export async function findEmailById(db: Executor, id: string): Promise<EmailRow | undefined> {
  const [row] = await db.select().from(emails).where(eq(emails.id, id));
  return row;
}

export async function findEmailByMessageIds(db: Executor, messageIds: string[]): Promise<EmailRow | undefined> {
  if (!messageIds.length) return undefined;
  const [row] = await db.select().from(emails).where(inArray(emails.messageId, messageIds)).limit(1);
  return row;
}

export async function findEmailByProviderMessageId(db: Executor, providerMessageId: string): Promise<EmailRow | undefined> {
  const [row] = await db.select().from(emails).where(eq(emails.providerMessageId, providerMessageId)).orderBy(desc(emails.createdAt)).limit(1);
  return row;
}

/** Never-sent rows cannot bounce: a report naming one is forged or confused. */
const wasHandedOver = ne(emails.status, 'SUPPRESSED');

/** BOUNCED unless already COMPLAINED (the higher rank); once per email. */
export async function markHardBounce(db: Executor, id: string, at: Date, reason: string): Promise<EmailRow | undefined> {
  const [row] = await db
    .update(emails)
    .set({
      bouncedAt: at,
      bounceType: 'HARD',
      status: sql`case when ${emails.status} = 'COMPLAINED' then ${emails.status} else 'BOUNCED' end`,
      statusReason: sql`case when ${emails.status} = 'COMPLAINED' then ${emails.statusReason} else ${reason}::text end`,
      attachments: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(emails.id, id), isNull(emails.bouncedAt), wasHandedOver))
    .returning();
  return row;
}

/** A temporary failure after acceptance only updates the reason of a sent email; the same reason twice is a duplicate. */
export async function markSoftBounce(db: Executor, id: string, reason: string): Promise<EmailRow | undefined> {
  const [row] = await db
    .update(emails)
    .set({ statusReason: reason, updatedAt: sql`now()` })
    .where(and(eq(emails.id, id), inArray(emails.status, ['SENT', 'DELIVERED']), sql`${emails.statusReason} is distinct from ${reason}::text`))
    .returning();
  return row;
}

/** COMPLAINED is the highest rank; once per email. */
export async function markComplaint(db: Executor, id: string, at: Date, reason: string): Promise<EmailRow | undefined> {
  const [row] = await db
    .update(emails)
    .set({ complainedAt: at, status: 'COMPLAINED', statusReason: reason, attachments: null, updatedAt: sql`now()` })
    .where(and(eq(emails.id, id), isNull(emails.complainedAt), wasHandedOver))
    .returning();
  return row;
}

/** Stamps delivered_at once; the status only moves up to DELIVERED, never down from BOUNCED or COMPLAINED. */
export async function markDelivered(db: Executor, id: string, at: Date, reason: string): Promise<EmailRow | undefined> {
  const below = sql`${emails.status} in ('PENDING', 'SENDING', 'SENT', 'FAILED')`;
  const [row] = await db
    .update(emails)
    .set({
      deliveredAt: at,
      status: sql`case when ${below} then 'DELIVERED' else ${emails.status} end`,
      statusReason: sql`case when ${below} then ${reason}::text else ${emails.statusReason} end`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(emails.id, id), isNull(emails.deliveredAt), wasHandedOver))
    .returning();
  return row;
}
