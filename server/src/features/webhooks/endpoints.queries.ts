import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { webhookEndpoints, type WebhookEndpointRow } from '../../db/schema/index.js';

// webhook_endpoints rows. Every lookup is scoped by project; the secret columns stay in this layer and
// the services (which decrypt them only to sign).

export type NewEndpoint = typeof webhookEndpoints.$inferInsert;
export type EndpointChanges = Partial<
  Pick<NewEndpoint, 'url' | 'description' | 'eventTypes' | 'enabled' | 'secretCiphertext' | 'previousSecretCiphertext' | 'previousSecretExpiresAt' | 'consecutiveFailures' | 'disabledAt' | 'disabledReason'>
>;

export async function insertEndpoint(db: Executor, row: NewEndpoint): Promise<WebhookEndpointRow> {
  const [created] = await db.insert(webhookEndpoints).values(row).returning();
  return created;
}

export async function listEndpointRows(db: Executor, projectId: string): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.projectId, projectId)).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export async function findEndpoint(db: Executor, projectId: string, id: string, opts: { lock?: boolean } = {}): Promise<WebhookEndpointRow | undefined> {
  const query = db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id)));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

/** By id alone: for the worker, which starts from a delivery row (already project-bound). */
export async function findEndpointById(db: Executor, id: string, opts: { lock?: boolean } = {}): Promise<WebhookEndpointRow | undefined> {
  const query = db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

export async function updateEndpoint(db: Executor, id: string, changes: EndpointChanges): Promise<WebhookEndpointRow> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row;
}

export async function deleteEndpointRow(db: Executor, projectId: string, id: string): Promise<boolean> {
  const rows = await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Enabled endpoints of the project (the fan-out matches their event types against each event). */
export async function listEnabledEndpoints(db: Executor, projectId: string): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.enabled, true)));
}
