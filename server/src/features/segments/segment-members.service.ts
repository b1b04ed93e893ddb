import { AppError } from '../../core/errors.js';
import type { Tx } from '../../db/client.js';
import type { SegmentRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { normalizeEmail } from '../contacts/contact-data.js';
import { lookupContacts } from '../contacts/contact-list.service.js';
import { upsertContact } from '../contacts/contacts.service.js';
import { recordContactUpsertEffects } from '../events/events.service.js';
import { closeMemberships, countActiveMembers, openMemberships } from './memberships.queries.js';
import type { AddMembersBody } from './segments.schemas.js';
import { setMemberCount } from './segments.queries.js';
import { lockSegmentOr404, type SegmentDeps } from './segments.service.js';

// Members of STATIC segments, added and removed by email. Each call is one transaction with its
// contact creations (through the contacts service: events, activity and counts as for POST /contacts).

function assertStatic(segment: SegmentRow, verb: string) {
  if (segment.type !== 'STATIC') throw new AppError('BAD_REQUEST', `Members can only be ${verb} STATIC segments; DYNAMIC segments follow their condition`);
}

async function recount(tx: Tx, segment: SegmentRow, at: Date) {
  await setMemberCount(tx, segment.projectId, segment.id, await countActiveMembers(tx, segment.id), at);
}

/** Contacts missing from the project, created as POST /contacts would (subscribed unless told otherwise). */
async function createContacts(tx: Tx, ctx: ProjectActionContext, emails: string[], subscribed: boolean) {
  const ids: string[] = [];
  let created = 0;
  for (const email of [...new Set(emails.map(normalizeEmail))]) {
    const result = await upsertContact(tx, { projectId: ctx.projectId, email, subscribed, subscribedWhenNew: true });
    await recordContactUpsertEffects(tx, ctx, result);
    ids.push(result.contact.id);
    if (result.created) created++;
  }
  return { ids, created };
}

export async function addSegmentMembers(deps: SegmentDeps, ctx: ProjectActionContext, id: string, input: AddMembersBody) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const segment = await lockSegmentOr404(tx, ctx.projectId, id);
    assertStatic(segment, 'added to');
    const lookup = await lookupContacts(tx, ctx.projectId, input.emails);
    const contactIds = lookup.found.map((f) => f.contact.id);
    let created = 0;
    let notFound = lookup.notFound;
    if (input.createMissing && notFound.length) {
      const made = await createContacts(tx, ctx, notFound, input.subscribed ?? true);
      contactIds.push(...made.ids);
      created = made.created;
      notFound = [];
    }
    const added = await openMemberships(tx, { segmentId: segment.id, projectId: ctx.projectId, contactIds: [...new Set(contactIds)], at: now });
    await recount(tx, segment, now);
    if (added.length || created) {
      const summary = `${added.length} member(s) added to segment "${segment.name}"${created ? ` (${created} new contact(s))` : ''}`;
      const { projectId, actor, requestId, ip } = ctx;
      await recordActivity(tx, {
        projectId, actor, requestId, ip,
        type: 'segment.members_added',
        summary,
        metadata: { segmentId: segment.id, name: segment.name, added: added.length, created, notFound: notFound.length },
      });
    }
    return { added: added.length, created, notFound };
  });
}

export async function removeSegmentMembers(deps: SegmentDeps, ctx: ProjectActionContext, id: string, emails: string[]) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const segment = await lockSegmentOr404(tx, ctx.projectId, id);
    assertStatic(segment, 'removed from');
    const lookup = await lookupContacts(tx, ctx.projectId, emails);
    const removed = await closeMemberships(tx, segment.id, [...new Set(lookup.found.map((f) => f.contact.id))], now);
    await recount(tx, segment, now);
    if (removed.length) {
      const { projectId, actor, requestId, ip } = ctx;
      await recordActivity(tx, {
        projectId, actor, requestId, ip,
        type: 'segment.members_removed',
        summary: `${removed.length} member(s) removed from segment "${segment.name}"`,
        metadata: { segmentId: segment.id, name: segment.name, removed: removed.length },
      });
    }
    return { removed: removed.length, notFound: lookup.notFound };
  });
}
