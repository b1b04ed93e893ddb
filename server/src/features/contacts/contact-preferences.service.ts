import type { Db } from '../../db/client.js';
import type { ContactRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { recordContactUpsertEffects } from '../events/events.service.js';
import { findContactByLinkId, setContactPreferences, type ContactPreferences } from './contact-preferences.queries.js';
import { lockContactById } from './contacts.queries.js';

// Changes a contact makes to their own subscription from a link in a message (hosted pages, one-click
// and mailto unsubscribes). Subscription flips write the same event and audit rows as PATCH /contacts.

export type PreferenceChange = { kind: 'unsubscribe' } | { kind: 'subscribe' } | { kind: 'snooze'; until: Date };

export interface PreferenceResult {
  contact: ContactRow;
  /** False when the contact was already in the asked-for state (nothing written). */
  changed: boolean;
}

/** The contact a verified link token names, in whichever project it lives. */
export async function findContactForLink(db: Db, contactId: string): Promise<ContactRow | undefined> {
  return findContactByLinkId(db, contactId);
}

/** What to write for `change`, or null when the contact is already there. */
function changesFor(current: ContactRow, change: PreferenceChange): ContactPreferences | null {
  switch (change.kind) {
    case 'unsubscribe':
      return current.subscribed ? { subscribed: false, snoozedUntil: null } : null;
    case 'subscribe':
      // Subscribing again also ends a snooze: the contact asked for mail now.
      return !current.subscribed || current.snoozedUntil ? { subscribed: true, snoozedUntil: null } : null;
    case 'snooze':
      // Only a subscribed contact can pause marketing mail; an unsubscribed one gets none anyway.
      return current.subscribed ? { snoozedUntil: change.until } : null;
  }
}

/**
 * Applies one change in one transaction, with the contact row locked so concurrent clicks (a scanner
 * and a person, two one-click POSTs) write at most one event. `emailId` attributes a subscription flip
 * to the message the link came in; the caller checks it belongs to the contact.
 */
export async function changeContactPreferences(
  db: Db,
  ctx: ProjectActionContext,
  contactId: string,
  change: PreferenceChange,
  emailId?: string,
): Promise<PreferenceResult | null> {
  return db.transaction(async (tx) => {
    const current = await lockContactById(tx, ctx.projectId, contactId);
    if (!current) return null;
    const changes = changesFor(current, change);
    if (!changes) return { contact: current, changed: false };
    const contact = (await setContactPreferences(tx, ctx.projectId, contactId, changes))!;
    const base = { projectId: ctx.projectId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip };
    if (contact.subscribed !== current.subscribed) {
      const subscriptionChange = contact.subscribed ? 'subscribed' : 'unsubscribed';
      await recordContactUpsertEffects(tx, ctx, { contact, created: false, dataChanged: false, subscriptionChange, temporaryData: {} }, emailId);
    } else if (change.kind === 'snooze') {
      const until = change.until.toISOString();
      await recordActivity(tx, { ...base, type: 'contact.snoozed', summary: `Contact ${contact.email} paused marketing mail until ${until}`, metadata: { contactId, until } });
    } else {
      await recordActivity(tx, { ...base, type: 'contact.resumed', summary: `Contact ${contact.email} resumed marketing mail`, metadata: { contactId } });
    }
    return { contact, changed: true };
  });
}
