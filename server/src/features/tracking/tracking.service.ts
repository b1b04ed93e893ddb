import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/client.js';
import { recordEvents } from '../events/events.service.js';
import { classifyHit, type HitVerdict } from './machine-detection.js';
import * as q from './tracking.queries.js';
import { readClickToken, readOpenToken } from './tracking-tokens.js';

export interface TrackingDeps {
  db: Db;
  masterKey: Buffer;
  clock: Clock;
}

/** What the tracking routes know about the request that hit a pixel or a link. */
export interface HitRequest {
  method: string;
  userAgent: string | undefined;
}

export interface ClickLink {
  emailId: string;
  url: string;
}

/** The link a click token was signed for; null for anything we did not sign (the route answers 404). */
export function readClickLink(masterKey: Buffer, token: string): ClickLink | null {
  return readClickToken(masterKey, token);
}

/**
 * Counts an open of the email the token names and emits `email.opened`. Unknown or tampered tokens
 * and deleted emails are ignored: the pixel is served either way.
 */
export async function recordOpen(deps: TrackingDeps, token: string, req: HitRequest): Promise<void> {
  const opened = readOpenToken(deps.masterKey, token);
  if (!opened) return;
  await recordHit(deps, 'open', opened.emailId, req);
}

/** Counts a click on a verified link and emits `email.clicked` (with the link). */
export async function recordClick(deps: TrackingDeps, link: ClickLink, req: HitRequest): Promise<void> {
  await recordHit(deps, 'click', link.emailId, req, link.url);
}

async function recordHit(deps: TrackingDeps, kind: 'open' | 'click', emailId: string, req: HitRequest, link?: string) {
  const email = await q.findTrackedEmail(deps.db, emailId);
  if (!email) return;
  const now = deps.clock.now();
  const verdict = classifyHit({ kind, ...req, at: now, sentAt: email.sentAt, priorOpens: email.opens });
  await deps.db.transaction(async (tx) => {
    const count = kind === 'open' ? q.countOpen : q.countClick;
    const counted = await count(tx, email.id, !verdict.machine, now);
    if (!counted) return;
    const first = !verdict.machine && counted.firstAt?.getTime() === now.getTime();
    await recordEvents(tx, [
      {
        projectId: email.projectId,
        contactId: email.contactId,
        emailId: email.id,
        name: kind === 'open' ? 'email.opened' : 'email.clicked',
        data: eventData(kind, email, verdict, counted, first, link),
      },
    ]);
  });
}

function eventData(
  kind: 'open' | 'click',
  email: { id: string; messageId: string | null },
  verdict: HitVerdict,
  counted: { total: number; human: number; firstAt: Date | null },
  first: boolean,
  link?: string,
): Record<string, unknown> {
  const base = { emailId: email.id, messageId: email.messageId, machine: verdict.machine, reason: verdict.reason };
  return kind === 'open'
    ? { ...base, isFirstOpen: first, opens: counted.total, humanOpens: counted.human, openedAt: counted.firstAt?.toISOString() ?? null }
    : { ...base, link, isFirstClick: first, clicks: counted.total, humanClicks: counted.human, clickedAt: counted.firstAt?.toISOString() ?? null };
}
