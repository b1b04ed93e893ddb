import { notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Executor } from '../../db/client.js';
import type { ContactRow } from '../../db/schema/index.js';
import { normalizeEmail } from './contact-data.js';
import { decodeCursor, encodeCursor } from './contact-cursor.js';
import * as q from './contacts.queries.js';

export interface ContactReadDeps {
  db: Executor;
  /** Signs list cursors. */
  masterKey: Buffer;
}

export interface ListContactsInput {
  limit: number;
  cursor?: string;
  search?: string;
  subscribed?: 'true' | 'false';
  sort?: string;
  dir?: string;
}

export interface ContactPage {
  data: ContactRow[];
  cursor: string | null;
  hasMore: boolean;
  /** Matching contacts, counted on the first page only (0 on later pages, as Plunk does). */
  total: number;
}

/** Keyset pagination in `[sort dir, id dir]` order: rows never skip or repeat between pages, ties included. */
export async function listContacts(deps: ContactReadDeps, projectId: string, input: ListContactsInput): Promise<ContactPage> {
  const sort: q.ContactSort = input.sort === 'email' ? 'email' : 'createdAt';
  const dir: q.SortDir = input.dir === 'asc' ? 'asc' : 'desc';
  const after = input.cursor ? decodeCursor(deps.masterKey, projectId, input.cursor, sort, dir) : undefined;
  const filter: q.ContactFilter = {
    projectId,
    search: input.search ? input.search.toLowerCase() : undefined,
    subscribed: input.subscribed === undefined ? undefined : input.subscribed === 'true',
  };
  const rows = await q.listContactRows(deps.db, { ...filter, sort, dir, limit: input.limit, after });
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ sortKey: _key, ...contact }) => contact),
    cursor: hasMore && last ? encodeCursor(deps.masterKey, projectId, { sort, dir, value: last.sortKey, id: last.id }) : null,
    hasMore,
    total: after ? 0 : await q.countContacts(deps.db, filter),
  };
}

export async function getContact(db: Executor, projectId: string, id: string): Promise<ContactRow> {
  const contact = isUuid(id) ? await q.findContactById(db, projectId, id) : undefined;
  if (!contact) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
  return contact;
}

/** The contacts of the project among `ids`, by id, in one query (deleted ones are absent). */
export async function getContactsByIds(db: Executor, projectId: string, ids: string[]): Promise<Map<string, ContactRow>> {
  const rows = await q.findContactsByIds(db, projectId, [...new Set(ids)]);
  return new Map(rows.map((c) => [c.id, c]));
}

export interface LookupResult {
  found: { email: string; contact: ContactRow }[];
  notFound: string[];
}

/** Finds contacts by email, case- and space-insensitively; answers with the strings as given. */
export async function lookupContacts(db: Executor, projectId: string, emails: string[]): Promise<LookupResult> {
  const wanted = [...new Set(emails.map(normalizeEmail))];
  const byEmail = new Map((await q.findContactsByEmails(db, projectId, wanted)).map((c) => [c.email, c]));
  const result: LookupResult = { found: [], notFound: [] };
  for (const email of emails) {
    const contact = byEmail.get(normalizeEmail(email));
    if (contact) result.found.push({ email, contact });
    else result.notFound.push(email);
  }
  return result;
}

/** Keeps the per-project contact counts cheap to read (see the contact_count_deltas table). */
export async function mergeContactCounts(db: Executor): Promise<void> {
  await q.mergeContactCountDeltas(db);
}
