import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { emails } from '../../db/schema/index.js';

// Tracking hits come from signed tokens, which name the email only: the email row carries its project.

export async function findTrackedEmail(db: Executor, id: string) {
  const [row] = await db
    .select({ id: emails.id, projectId: emails.projectId, contactId: emails.contactId, messageId: emails.messageId, sentAt: emails.sentAt, opens: emails.opens })
    .from(emails)
    .where(eq(emails.id, id));
  return row;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** One statement: the total always moves; the human counter and first timestamp only for people. */
export async function countOpen(db: Executor, id: string, human: boolean, when: Date) {
  const [row] = await db
    .update(emails)
    .set({
      opens: sql`${emails.opens} + 1`,
      ...(human ? { humanOpens: sql`${emails.humanOpens} + 1`, openedAt: sql`coalesce(${emails.openedAt}, ${at(when)})` } : {}),
    })
    .where(eq(emails.id, id))
    .returning({ total: emails.opens, human: emails.humanOpens, firstAt: emails.openedAt });
  return row;
}

export async function countClick(db: Executor, id: string, human: boolean, when: Date) {
  const [row] = await db
    .update(emails)
    .set({
      clicks: sql`${emails.clicks} + 1`,
      ...(human ? { humanClicks: sql`${emails.humanClicks} + 1`, clickedAt: sql`coalesce(${emails.clickedAt}, ${at(when)})` } : {}),
    })
    .where(eq(emails.id, id))
    .returning({ total: emails.clicks, human: emails.humanClicks, firstAt: emails.clickedAt });
  return row;
}
