import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { contacts, type ContactRow } from '../../db/schema/index.js';

/** Locks the contact row for the rest of the transaction (concurrent upserts serialise here). */
export async function lockContactByEmail(db: Executor, projectId: string, email: string): Promise<ContactRow | undefined> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.projectId, projectId), eq(contacts.email, email)))
    .for('update');
  return row;
}

/** Inserts unless another request just did; returns undefined on that race. */
export async function insertContactIfAbsent(
  db: Executor,
  input: { projectId: string; email: string; data: Record<string, unknown> | null; subscribed: boolean },
): Promise<ContactRow | undefined> {
  const [row] = await db.insert(contacts).values(input).onConflictDoNothing().returning();
  return row;
}

export async function updateContact(
  db: Executor,
  projectId: string,
  id: string,
  patch: { data?: Record<string, unknown> | null; subscribed?: boolean },
): Promise<ContactRow> {
  const [row] = await db
    .update(contacts)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(contacts.projectId, projectId), eq(contacts.id, id)))
    .returning();
  return row;
}
