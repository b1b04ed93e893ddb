import { and, eq, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.js';
import { contacts, type ContactRow } from '../../db/schema/index.js';

/**
 * A contact by id alone, for links that carry a signed contact token (the token was verified first;
 * the row names the project). Every other lookup is scoped by project.
 */
export async function findContactByLinkId(db: Executor, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.select().from(contacts).where(eq(contacts.id, id));
  return row;
}

export type ContactPreferences = Partial<Pick<ContactRow, 'subscribed' | 'snoozedUntil'>>;

export async function setContactPreferences(tx: Tx, projectId: string, id: string, changes: ContactPreferences): Promise<ContactRow | undefined> {
  const [row] = await tx
    .update(contacts)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(contacts.projectId, projectId), eq(contacts.id, id)))
    .returning();
  return row;
}
