import { eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { snsReceipts } from '../../db/schema/index.js';

/** Records that a notification is being applied; false when its MessageId was seen before. */
export async function claimSnsReceipt(db: Executor, messageId: string, topicArn: string): Promise<boolean> {
  const rows = await db.insert(snsReceipts).values({ messageId, topicArn }).onConflictDoNothing({ target: snsReceipts.messageId }).returning({ id: snsReceipts.messageId });
  return rows.length > 0;
}

/** Deletes receipts older than `before`; returns how many. */
export async function deleteSnsReceiptsBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db.delete(snsReceipts).where(lt(snsReceipts.receivedAt, before)).returning({ id: snsReceipts.messageId });
  return rows.length;
}

/** Forgets a receipt whose effects could not be applied, so SNS's next delivery of it is applied. */
export async function releaseSnsReceipt(db: Executor, messageId: string): Promise<void> {
  await db.delete(snsReceipts).where(eq(snsReceipts.messageId, messageId));
}
