import { isDeepStrictEqual } from 'node:util';
import type { Tx } from '../../db/client.js';
import type { ContactRow } from '../../db/schema/index.js';
import { mergeContactData, normalizeEmail, splitIncomingData, type ContactData } from './contact-data.js';
import * as q from './contacts.queries.js';

export interface UpsertContactInput {
  projectId: string;
  email: string;
  data?: ContactData | null;
  /** Explicit subscription from the request, if any. */
  subscribed?: boolean;
  /** Subscription for a contact this request creates (track: true, send: false). */
  subscribedWhenNew: boolean;
  /** Apply `subscribed` only when the contact is new ("one-call double opt-in"). */
  preserveExistingSubscription?: boolean;
  dataField?: string;
}

export interface UpsertContactResult {
  contact: ContactRow;
  created: boolean;
  dataChanged: boolean;
  /** 'subscribed' | 'unsubscribed' when an existing contact's state flipped. */
  subscriptionChange: 'subscribed' | 'unsubscribed' | null;
  /** Values for this request only ({value, persistent:false}). */
  temporaryData: Record<string, unknown>;
}

/** Create-or-merge by normalised email, inside the caller's transaction. */
export async function upsertContact(tx: Tx, input: UpsertContactInput): Promise<UpsertContactResult> {
  const email = normalizeEmail(input.email);
  const { persistent, temporary } = splitIncomingData(input.data, input.dataField);

  let existing = await q.lockContactByEmail(tx, input.projectId, email);
  if (!existing) {
    const created = await q.insertContactIfAbsent(tx, {
      projectId: input.projectId,
      email,
      data: mergeContactData(null, persistent),
      subscribed: input.subscribed ?? input.subscribedWhenNew,
    });
    if (created) {
      return { contact: created, created: true, dataChanged: false, subscriptionChange: null, temporaryData: temporary };
    }
    existing = (await q.lockContactByEmail(tx, input.projectId, email))!;
  }

  const data = mergeContactData(existing.data ?? null, persistent);
  const wantSubscribed = input.subscribed !== undefined && !input.preserveExistingSubscription ? input.subscribed : existing.subscribed;
  const dataChanged = !isDeepStrictEqual(data, existing.data ?? null);
  const subscriptionChange = wantSubscribed === existing.subscribed ? null : wantSubscribed ? 'subscribed' : 'unsubscribed';
  if (!dataChanged && !subscriptionChange) {
    return { contact: existing, created: false, dataChanged, subscriptionChange, temporaryData: temporary };
  }
  const contact = await q.updateContact(tx, input.projectId, existing.id, { data, subscribed: wantSubscribed });
  return { contact, created: false, dataChanged, subscriptionChange, temporaryData: temporary };
}

/** Variables available to templates: Plunk's aliases, stored data, then this request's temporary values. */
export function renderDataFor(contact: ContactRow, temporary: Record<string, unknown>): Record<string, unknown> {
  const stored = contact.data ?? {};
  return {
    plunk_id: contact.id,
    plunk_email: contact.email,
    locale: null,
    ...stored,
    ...temporary,
    id: contact.id,
    email: contact.email,
    subscribed: contact.subscribed,
  };
}
