import { isDeepStrictEqual } from 'node:util';
import type { Executor } from '../../db/client.js';
import type { ContactUpsertParams } from '../../db/contact-upsert.js';
import type { ContactRow } from '../../db/schema/index.js';
import { normalizeEmail, splitIncomingData, toSetAndUnset, type ContactData } from './contact-data.js';
import { upsertContactRows, type UpsertedContact } from './contacts.queries.js';

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

export interface PreparedContactUpsert {
  params: ContactUpsertParams;
  temporaryData: Record<string, unknown>;
}

/** Validates and splits request data into the upsert statement's parameters (throws on bad data). */
export function prepareContactUpsert(input: UpsertContactInput): PreparedContactUpsert {
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
  return (await upsertPreparedContacts(db, [prepareContactUpsert(input)]))[0];
}

/**
 * Many prepared upserts with as few statements as possible, results in input order. A contact named
 * twice is upserted twice, in order (the second sees the first's data), so the inputs go in rounds
 * in which each contact appears once: usually one round, one statement.
 */
export async function upsertPreparedContacts(db: Executor, list: PreparedContactUpsert[]): Promise<UpsertContactResult[]> {
  const rounds: { index: number; params: ContactUpsertParams }[][] = [];
  const seen = new Map<string, number>();
  list.forEach(({ params }, index) => {
    const key = `${params.projectId}\n${params.email}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push({ index, params });
  });
  const results: UpsertContactResult[] = new Array(list.length);
  for (const round of rounds) {
    const rows = await upsertContactRows(db, round.map((r) => r.params));
    round.forEach((r, i) => (results[r.index] = toUpsertResult(rows[i], list[r.index].temporaryData)));
  }
  return results;
}

function toUpsertResult({ contact, created, previous }: UpsertedContact, temporaryData: Record<string, unknown>): UpsertContactResult {
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
