import { and, asc, desc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';
import { contacts, events, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookAttemptRow, type WebhookDeliveryRow, type WebhookDeliveryStatus } from '../../db/schema/index.js';

// Outbox relay (events.webhook_pending), deliveries and their attempt log. "Due" is decided by the
// database clock (now()), so API and worker processes agree on time.

export type NewDelivery = typeof webhookDeliveries.$inferInsert;
export type NewAttempt = typeof webhookAttempts.$inferInsert;

export interface PendingWebhookEvent {
  id: string;
  projectId: string;
  name: string;
  contactId: string | null;
  emailId: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
  contactEmail: string | null;
}

/** Oldest flagged events, locked; rows another worker holds are skipped. */
export async function lockWebhookPendingEvents(db: Executor, limit: number): Promise<PendingWebhookEvent[]> {
  const locked = await db
    .select({ id: events.id, projectId: events.projectId, name: events.name, contactId: events.contactId, emailId: events.emailId, data: events.data, createdAt: events.createdAt })
    .from(events)
    .where(eq(events.webhookPending, true))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(limit)
    .for('update', { skipLocked: true });
  const contactIds = [...new Set(locked.map((e) => e.contactId).filter((id): id is string => !!id))];
  const emails = contactIds.length ? await db.select({ id: contacts.id, email: contacts.email }).from(contacts).where(inArray(contacts.id, contactIds)) : [];
  const emailOf = new Map(emails.map((c) => [c.id, c.email]));
  return locked.map((e) => ({ ...e, contactEmail: e.contactId ? (emailOf.get(e.contactId) ?? null) : null }));
}

export async function clearWebhookPending(db: Executor, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.update(events).set({ webhookPending: false }).where(inArray(events.id, ids));
}

/** One row per (endpoint, event): a second dispatch of the same event inserts nothing. Returns the inserted. */
export async function insertDeliveries(db: Executor, rows: NewDelivery[]): Promise<WebhookDeliveryRow[]> {
  if (!rows.length) return [];
  return db.insert(webhookDeliveries).values(rows).onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId] }).returning();
}

/**
 * Due deliveries of enabled endpoints, leased: next_attempt_at moves `leaseSeconds` ahead, so a worker
 * that dies mid-attempt leaves the delivery to be tried again after the lease.
 */
export async function claimDueDeliveries(db: Executor, limit: number, leaseSeconds: number): Promise<WebhookDeliveryRow[]> {
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.status, 'PENDING'), lte(webhookDeliveries.nextAttemptAt, sql`now()`), eq(webhookEndpoints.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for('update', { of: webhookDeliveries, skipLocked: true });
  if (!due.length) return [];
  return db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(inArray(webhookDeliveries.id, due.map((d) => d.id)))
    .returning();
}

export async function lockDelivery(db: Executor, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).for('update');
  return row;
}

export interface DeliveryOutcomeChanges {
  status: WebhookDeliveryStatus;
  attempts: number;
  /** Seconds from now (database clock) to the next attempt; null = none. */
  retryInSeconds: number | null;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  completed: boolean;
}

export async function updateDeliveryOutcome(db: Executor, id: string, c: DeliveryOutcomeChanges): Promise<WebhookDeliveryRow> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({
      status: c.status,
      attempts: c.attempts,
      nextAttemptAt: c.retryInSeconds === null ? null : sql`now() + make_interval(secs => ${c.retryInSeconds})`,
      lastAttemptAt: sql`now()`,
      responseStatus: c.responseStatus,
      responseBody: c.responseBody,
      error: c.error,
      durationMs: c.durationMs,
      completedAt: c.completed ? sql`coalesce(${webhookDeliveries.completedAt}, now())` : null,
    })
    .where(eq(webhookDeliveries.id, id))
    .returning();
  return row;
}

export async function insertAttempt(db: Executor, row: NewAttempt): Promise<void> {
  await db.insert(webhookAttempts).values(row);
}

export async function findDelivery(db: Executor, projectId: string, endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.projectId, projectId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)));
  return row;
}

export async function listAttempts(db: Executor, deliveryId: string): Promise<WebhookAttemptRow[]> {
  return db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(asc(webhookAttempts.startedAt), asc(webhookAttempts.attempt));
}

/** Newest first, keyset-paged on (created_at, id); the created_at text keeps microseconds for the cursor. */
export async function listDeliveryRows(
  db: Executor,
  endpointId: string,
  opts: { status?: WebhookDeliveryStatus; limit: number; after?: { at: string; id: string } },
): Promise<(WebhookDeliveryRow & { sortKey: string })[]> {
  const conds = [eq(webhookDeliveries.endpointId, endpointId)];
  if (opts.status) conds.push(eq(webhookDeliveries.status, opts.status));
  if (opts.after) {
    const at = sql`${opts.after.at}::timestamptz`;
    conds.push(or(lt(webhookDeliveries.createdAt, at), and(eq(webhookDeliveries.createdAt, at), lt(webhookDeliveries.id, opts.after.id)))!);
  }
  return db
    .select({ ...getColumns(), sortKey: sql<string>`to_char(${webhookDeliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
    .from(webhookDeliveries)
    .where(and(...conds))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(opts.limit + 1);
}

function getColumns() {
  const { id, projectId, endpointId, eventId, eventType, messageId, payload, status, attempts, nextAttemptAt, lastAttemptAt, responseStatus, responseBody, error, durationMs, createdAt, completedAt } =
    webhookDeliveries;
  return { id, projectId, endpointId, eventId, eventType, messageId, payload, status, attempts, nextAttemptAt, lastAttemptAt, responseStatus, responseBody, error, durationMs, createdAt, completedAt };
}

/** Endpoint failure bookkeeping after a delivery ended; returns the new consecutive failure count. */
export async function bumpEndpointFailures(db: Executor, endpointId: string, failed: boolean): Promise<number> {
  const rows = await queryRows<{ consecutive_failures: number }>(
    db,
    failed
      ? sql`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ${endpointId} RETURNING consecutive_failures`
      : sql`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ${endpointId} AND consecutive_failures <> 0 RETURNING consecutive_failures`,
  );
  return rows[0]?.consecutive_failures ?? 0;
}
