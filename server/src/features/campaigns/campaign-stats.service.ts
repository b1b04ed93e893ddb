import { decodeTimeCursor, encodeTimeCursor } from '../../core/signed-cursor.js';
import type { Db } from '../../db/client.js';
import type { CampaignStats } from './campaigns.schemas.js';
import { getCampaign } from './campaigns.service.js';
import * as q from './campaign-stats.queries.js';

// GET /campaigns/:id/stats and /recipients: computed from the campaign's email rows on every read
// (replay-safe: a repeated provider notification changes a row once, so it counts once).

/** `part` as a percent of `whole`, two decimals, never above 100; 0 when nothing was sent. */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.round((part / whole) * 10_000) / 100);
}

export async function getCampaignStats(db: Db, projectId: string, id: string): Promise<CampaignStats> {
  const campaign = await getCampaign(db, projectId, id);
  const counts = await q.countCampaignEmails(db, projectId, campaign.id);
  const unsubscribed = await q.countCampaignUnsubscribes(db, projectId, campaign.id);
  const sent = counts.sent;
  return {
    totalRecipients: campaign.totalRecipients,
    sentCount: sent,
    deliveredCount: counts.delivered,
    openedCount: counts.opened,
    humanOpenedCount: counts.humanOpened,
    clickedCount: counts.clicked,
    humanClickedCount: counts.humanClicked,
    bouncedCount: counts.bounced,
    complainedCount: counts.complained,
    unsubscribedCount: unsubscribed,
    suppressedCount: counts.suppressed,
    failedCount: counts.failed,
    openRate: percentOf(counts.opened, sent),
    humanOpenRate: percentOf(counts.humanOpened, sent),
    clickRate: percentOf(counts.clicked, sent),
    humanClickRate: percentOf(counts.humanClicked, sent),
    bounceRate: percentOf(counts.bounced, sent),
    deliveryRate: percentOf(counts.delivered, sent),
    complaintRate: percentOf(counts.complained, sent),
    unsubscribeRate: percentOf(unsubscribed, sent),
  };
}

export interface RecipientsInput {
  type: q.RecipientFilter;
  limit: number;
  cursor?: string;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * GET /campaigns/:id/recipients: bounced, complained or all recipients, newest first, keyset-paged
 * with signed cursors (a cursor only works for the listing, campaign and project it came from).
 */
export async function listCampaignRecipients(deps: { db: Db; masterKey: Buffer }, projectId: string, id: string, input: RecipientsInput) {
  const campaign = await getCampaign(deps.db, projectId, id);
  const scope = `campaign-recipients:${campaign.id}:${input.type}`;
  const after = input.cursor ? decodeTimeCursor(deps.masterKey, scope, projectId, input.cursor) : undefined;
  const rows = await q.listCampaignRecipientRows(deps.db, projectId, campaign.id, input.type, input.limit, after);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      emailId: r.id,
      contactId: r.contactId,
      email: r.email,
      status: r.status,
      reason: r.reason,
      bounceType: r.bounceType,
      occurredAt: new Date(r.sortKey).toISOString(),
      sentAt: iso(r.sentAt),
      deliveredAt: iso(r.deliveredAt),
      bouncedAt: iso(r.bouncedAt),
      complainedAt: iso(r.complainedAt),
      openedAt: iso(r.openedAt),
      clickedAt: iso(r.clickedAt),
    })),
    cursor: hasMore && last ? encodeTimeCursor(deps.masterKey, scope, projectId, { at: last.sortKey, id: last.id }) : null,
    hasMore,
    total: await q.countCampaignRecipientRows(deps.db, projectId, campaign.id, input.type),
  };
}
