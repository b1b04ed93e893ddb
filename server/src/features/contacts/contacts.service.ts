import { isDeepStrictEqual } from 'node:util';
import type { Executor } from '../../db/client.js';
import type { ContactUpsertParams } from '../../db/contact-upsert.js';
import type { ContactRow } from '../../db/schema/index.js';
import { normalizeEmail, splitIncomingData, toSetAndUnset, type ContactData } from './contact-data.js';
import { upsertContactRow } from './contacts.queries.js';

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
  /** Set when an existing contact's subscription flipped. */
  subscriptionChange: 'subscribed' | 'unsubscribed' | null;
  /** Values for this request only ({value, persistent:false}). */
  temporaryData: Record<string, unknown>;
}

/** Validates and splits request data into the upsert statement's parameters (throws on bad data). */
export function prepareContactUpsert(input: UpsertContactInput): { params: ContactUpsertParams; temporaryData: Record<string, unknown> } {
  const { persistent, temporary } = splitIncomingData(input.data, input.dataField);
  return {
    params: {
      projectId: input.projectId,
      email: normalizeEmail(input.email),
      ...toSetAndUnset(persistent),
      subscribedIfNew: input.subscribed ?? input.subscribedWhenNew,
      subscribedIfExisting: input.preserveExistingSubscription ? null : (input.subscribed ?? null),
    },
    temporaryData: temporary,
  };
}

/** Create-or-merge by normalised email, in one statement (inside the caller's transaction if any). */
export async function upsertContact(db: Executor, input: UpsertContactInput): Promise<UpsertContactResult> {
  const { params, temporaryData } = prepareContactUpsert(input);
  const { contact, created, previous } = await upsertContactRow(db, params);
  const dataChanged = !!previous && !isDeepStrictEqual(previous.data, contact.data);
  const flipped = !!previous && previous.subscribed !== contact.subscribed;
  return {
    contact,
    created,
    dataChanged,
    subscriptionChange: flipped ? (contact.subscribed ? 'subscribed' : 'unsubscribed') : null,
    temporaryData,
  };
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
