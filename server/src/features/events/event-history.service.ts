import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db } from '../../db/client.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.js';
import { isReservedEventName, SYSTEM_EVENT_ALIASES } from './event-names.js';
import * as q from './events.queries.js';

// Reading and pruning a project's stored events (the /events API). Tracking lives in events.service.ts.

export const PROJECT_EVENTS_DEFAULT_LIMIT = 100;
export const CONTACT_EVENTS_DEFAULT_LIMIT = 50;
export const EVENTS_MAX_LIMIT = 1000;
const DELETE_BATCH = 500;

/** A name and its other spelling, when it has one: filters accept `email.open` for `email.opened` and back. */
export function spellingsOf(name: string): string[] {
  const canonical = SYSTEM_EVENT_ALIASES[name] ?? name;
  const aliases = Object.keys(SYSTEM_EVENT_ALIASES).filter((alias) => SYSTEM_EVENT_ALIASES[alias] === canonical);
  return [canonical, ...aliases];
}

export interface EventPageQuery {
  limit: number;
  cursor?: string;
}

async function pageOf(db: Db, filter: Omit<q.EventFilter, 'limit' | 'before'>, page: EventPageQuery) {
  const before = page.cursor ? decodeEventCursor(filter.projectId, page.cursor) : undefined;
  const rows = await q.listEvents(db, { ...filter, before, limit: page.limit + 1 });
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return {
    events: shown.map((r) => ({
      id: r.id,
      name: r.name,
      data: r.data ?? null,
      contactId: r.contactId,
      emailId: r.emailId,
      createdAt: new Date(r.createdAt).toISOString(),
      contact: r.contactId && r.contactEmail ? { id: r.contactId, email: r.contactEmail } : null,
    })),
    nextCursor: more && last ? encodeEventCursor(filter.projectId, { createdAt: last.position, id: last.id }) : null,
  };
}

/** The project's events, newest first, optionally of one name (aliases included). */
export async function listProjectEvents(db: Db, projectId: string, query: EventPageQuery & { eventName?: string }) {
  return pageOf(db, { projectId, names: query.eventName ? spellingsOf(query.eventName) : undefined }, query);
}

/** One contact's events, newest first; a contact of another project is not found. */
export async function listContactEvents(db: Db, projectId: string, contactId: string, query: EventPageQuery) {
  const contact = isUuid(contactId) ? await q.findProjectContact(db, projectId, contactId) : undefined;
  if (!contact) throw notFound('CONTACT_NOT_FOUND', 'Contact', contactId);
  return pageOf(db, { projectId, contactId: contact.id }, query);
}

/** Event counts per name, most frequent first, within an optional [from, to) range. */
export async function getEventStats(db: Db, projectId: string, range: { from?: Date; to?: Date }) {
  const rows = await q.countEventsByName(db, projectId, range);
  return rows.map((r) => ({ name: r.name, count: Number(r.count) }));
}

/** Every event name the project has stored, most frequent first. */
export async function listEventNames(db: Db, projectId: string) {
  const rows = await q.countEventsByName(db, projectId, {});
  return {
    eventNames: rows.map((r) => r.name),
    details: rows.map((r) => ({
      name: r.name,
      count: Number(r.count),
      lastSeenAt: r.lastSeenAt ? new Date(r.lastSeenAt).toISOString() : null,
      system: isReservedEventName(r.name),
    })),
  };
}

/** Where an event name is used and how much data it has; system names can never be deleted. */
export async function getEventUsage(db: Db, projectId: string, eventName: string) {
  const summary = await q.summarizeEventName(db, projectId, spellingsOf(eventName));
  // Segments and workflows do not exist yet; when they do, list those that reference the name here
  // and refuse deletion (canDelete false) while any does.
  const usedInSegments: { id: string; name: string }[] = [];
  const usedInWorkflows: { id: string; name: string }[] = [];
  return {
    usedInSegments,
    usedInWorkflows,
    totalCount: Number(summary?.totalCount ?? 0),
    uniqueContacts: Number(summary?.uniqueContacts ?? 0),
    canDelete: !isReservedEventName(eventName) && !usedInSegments.length && !usedInWorkflows.length,
  };
}

/**
 * Deletes every stored event of a custom name. Batches keep each statement short (PGlite runs one
 * query at a time); a delete interrupted halfway is finished by calling it again.
 */
export async function deleteEventName(db: Db, ctx: ProjectActionContext, eventName: string) {
  if (isReservedEventName(eventName)) {
    throw new AppError('BAD_REQUEST', `"${eventName}" is a system event name and cannot be deleted`, { eventName, reason: 'reserved_event' });
  }
  // Segment and workflow references will refuse the delete here (400) once those features exist.
  let deletedCount = 0;
  for (;;) {
    const n = await q.deleteEventsBatch(db, ctx.projectId, [eventName], DELETE_BATCH);
    deletedCount += n;
    if (n < DELETE_BATCH) break;
  }
  if (deletedCount) {
    await recordActivity(db, {
      projectId: ctx.projectId,
      actor: ctx.actor,
      type: 'event.deleted',
      summary: `Deleted ${deletedCount} "${eventName.slice(0, 200)}" event${deletedCount === 1 ? '' : 's'}`,
      requestId: ctx.requestId,
      ip: ctx.ip,
      metadata: { eventName, deletedCount },
    });
  }
  return { deletedCount };
}
