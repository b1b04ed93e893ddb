import { AppError } from '../../core/errors.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { Db, Executor } from '../../db/client.js';
import type { SuppressionReason, SuppressionRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import * as q from './suppressions.queries.js';

// The per-project suppression list (DECISIONS §5): an address on it is never handed to a transport.

export interface SuppressionDeps {
  db: Db;
  /** Signs list cursors. */
  masterKey: Buffer;
}

export const normalizeAddress = (email: string) => email.trim().toLowerCase();

export interface SuppressInput {
  projectId: string;
  email: string;
  reason: SuppressionReason;
  /** api, import, smtp, dsn, arf, sns, dashboard */
  source: string;
  emailId?: string | null;
  details?: string | null;
}

/** Adds an address in the caller's transaction; the new row, or undefined when it was already listed. */
export async function suppressAddress(db: Executor, input: SuppressInput): Promise<SuppressionRow | undefined> {
  return q.insertSuppression(db, {
    projectId: input.projectId,
    email: normalizeAddress(input.email),
    reason: input.reason,
    source: input.source,
    emailId: input.emailId ?? null,
    details: input.details?.slice(0, 1000) ?? null,
  });
}

export async function findSuppression(db: Executor, projectId: string, email: string): Promise<SuppressionRow | undefined> {
  return q.findSuppressionRow(db, projectId, normalizeAddress(email));
}

/** The listed addresses among `emails`, keyed by lowercased address (one query for a whole send). */
export async function findSuppressions(db: Executor, projectId: string, emails: string[]): Promise<Map<string, SuppressionRow>> {
  const rows = await q.findSuppressionRows(db, projectId, [...new Set(emails.map(normalizeAddress))]);
  return new Map(rows.map((r) => [r.email, r]));
}

/** For audience queries over `contacts c` (campaigns): the contact's address is not suppressed. */
export const contactNotSuppressed = () => q.contactNotSuppressedSql();

/** The status reason of an email that was not sent because of this entry. */
export function describeSuppression(row: SuppressionRow): string {
  const reason = { HARD_BOUNCE: 'a hard bounce', COMPLAINT: 'a spam complaint', MANUAL: 'added manually', UNSUBSCRIBE: 'an unsubscribe' }[row.reason];
  return `${row.email} is on the suppression list (${row.reason}: ${reason}, since ${row.createdAt.toISOString()})`;
}

export const toSuppressionJson = (r: Pick<SuppressionRow, 'id' | 'email' | 'reason' | 'source' | 'emailId' | 'details' | 'createdAt'>) => ({
  id: r.id,
  email: r.email,
  reason: r.reason,
  source: r.source,
  emailId: r.emailId,
  details: r.details,
  createdAt: r.createdAt.toISOString(),
});

const CURSOR_SCOPE = 'suppression-cursor';

/** GET /suppression-list: newest first, keyset-paged with signed cursors; `search` matches part of the address. */
export async function listSuppressions(deps: SuppressionDeps, projectId: string, input: { limit: number; cursor?: string; search?: string }) {
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, input.cursor) : undefined;
  const search = input.search?.trim().toLowerCase() || undefined;
  const rows = await q.listSuppressionRows(deps.db, { projectId, search }, input.limit, after);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map(toSuppressionJson),
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, CURSOR_SCOPE, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
  };
}

/** POST /suppression-list: idempotent; `created` says whether the address is new to the list. */
export async function addSuppression(deps: Pick<SuppressionDeps, 'db'>, ctx: ProjectActionContext, input: { email: string; reason?: SuppressionReason; details?: string | null }) {
  return deps.db.transaction(async (tx) => {
    const inserted = await suppressAddress(tx, { projectId: ctx.projectId, email: input.email, reason: input.reason ?? 'MANUAL', source: sourceOf(ctx), details: input.details });
    if (!inserted) {
      const existing = await q.findSuppressionRow(tx, ctx.projectId, normalizeAddress(input.email));
      if (existing) return { row: existing, created: false };
      // Only when a concurrent DELETE removed it between the two statements.
      throw new AppError('CONFLICT', 'The address changed while it was being added; try again');
    }
    await recordActivity(tx, {
      ...ctx,
      type: 'suppression.added',
      summary: `${inserted.email} added to the suppression list (${inserted.reason})`,
      metadata: { suppressionId: inserted.id, email: inserted.email, reason: inserted.reason },
    });
    return { row: inserted, created: true };
  });
}

/** DELETE /suppression-list/:email: 404 when the address is not listed. */
export async function removeSuppression(deps: Pick<SuppressionDeps, 'db'>, ctx: ProjectActionContext, email: string): Promise<SuppressionRow> {
  const address = normalizeAddress(email);
  return deps.db.transaction(async (tx) => {
    const removed = await q.deleteSuppressionRow(tx, ctx.projectId, address);
    if (!removed) throw new AppError('NOT_FOUND', `${address} is not on the suppression list`, { resource: 'Suppression', id: address });
    await recordActivity(tx, {
      ...ctx,
      type: 'suppression.removed',
      summary: `${address} removed from the suppression list (was ${removed.reason})`,
      metadata: { email: address, reason: removed.reason },
    });
    return removed;
  });
}

/** Where a manual change came from: the dashboard (a session) or the API (a key). */
export const sourceOf = (ctx: ProjectActionContext) => (ctx.actor.type === 'user' ? 'dashboard' : 'api');
