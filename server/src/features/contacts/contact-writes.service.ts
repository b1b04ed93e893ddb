import { isDeepStrictEqual } from 'node:util';
import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db } from '../../db/client.js';
import type { ContactRow } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { recordContactUpsertEffects } from '../events/events.service.js';
import { mergeContactData, normalizeEmail, splitIncomingData, type ContactData } from './contact-data.js';
import * as q from './contacts.queries.js';
import { upsertContact, type UpsertContactResult } from './contacts.service.js';

// Writes behind POST/PATCH/DELETE /contacts. Each runs in one transaction with its events and audit rows.
// (A separate file from contacts.service.ts because events.service imports that one.)

export interface ContactWriteDeps {
  db: Db;
}

export interface SaveContactInput {
  email: string;
  subscribed?: boolean;
  data?: ContactData | null;
}

/** Create-or-merge by normalised email (POST /contacts): new contacts are subscribed unless told otherwise. */
export async function saveContact(deps: ContactWriteDeps, ctx: ProjectActionContext, input: SaveContactInput): Promise<UpsertContactResult> {
  return deps.db.transaction(async (tx) => {
    const result = await upsertContact(tx, {
      projectId: ctx.projectId,
      email: input.email,
      data: input.data,
      subscribed: input.subscribed,
      subscribedWhenNew: true,
    });
    await recordContactUpsertEffects(tx, ctx, result);
    return result;
  });
}

export interface UpdateContactInput {
  email?: string;
  subscribed?: boolean;
  /** Merged with the upsert rules; `null` clears all data. */
  data?: ContactData | null;
}

export const EMAIL_TAKEN_MESSAGE = 'Contact with this email already exists in this project';

/** PATCH /contacts/:id. A request that changes nothing writes nothing (updatedAt stays). */
export async function updateContact(deps: ContactWriteDeps, ctx: ProjectActionContext, id: string, input: UpdateContactInput): Promise<ContactRow> {
  if (!isUuid(id)) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
  // Validate before opening the transaction (locale must be a string, …).
  const incoming = input.data ? splitIncomingData(input.data).persistent : null;
  return deps.db.transaction(async (tx) => {
    const current = await q.lockContactById(tx, ctx.projectId, id);
    if (!current) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
    const next: q.ContactChanges = {
      email: input.email === undefined ? current.email : normalizeEmail(input.email),
      subscribed: input.subscribed ?? current.subscribed,
      data: input.data === null ? null : incoming ? mergeContactData(current.data, incoming) : current.data,
    };
    const emailChanged = next.email !== current.email;
    const dataChanged = !isDeepStrictEqual(next.data ?? null, current.data ?? null);
    const flipped = next.subscribed !== current.subscribed;
    if (!emailChanged && !dataChanged && !flipped) return current;

    const updated = await q.updateContactRow(tx, ctx.projectId, id, next);
    if (updated === 'email_taken') throw new AppError('CONFLICT', EMAIL_TAKEN_MESSAGE, { field: 'email' });
    if (!updated) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
    await recordContactUpsertEffects(tx, ctx, {
      contact: updated,
      created: false,
      // An email change is audited as an update like a data change.
      dataChanged: dataChanged || emailChanged,
      subscriptionChange: flipped ? (updated.subscribed ? 'subscribed' : 'unsubscribed') : null,
      temporaryData: {},
    });
    return updated;
  });
}

/** DELETE /contacts/:id: the contact's events and emails go with it (foreign keys cascade). */
export async function deleteContact(deps: ContactWriteDeps, ctx: ProjectActionContext, id: string): Promise<void> {
  if (!isUuid(id)) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
  await deps.db.transaction(async (tx) => {
    const deleted = await q.deleteContactRow(tx, ctx.projectId, id);
    if (!deleted) throw notFound('CONTACT_NOT_FOUND', 'Contact', id);
    await recordActivity(tx, {
      projectId: ctx.projectId,
      actor: ctx.actor,
      requestId: ctx.requestId,
      ip: ctx.ip,
      type: 'contact.deleted',
      summary: `Contact ${deleted.email} deleted`,
      metadata: { contactId: deleted.id },
    });
  });
}
