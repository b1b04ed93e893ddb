import { validationError } from '../../core/errors.js';
import type { Database, Db, Executor, Tx } from '../../db/client.js';
import { recordActivity, type ActivityInput, type ProjectActionContext } from '../activity/activity.service.js';
import type { ContactData } from '../contacts/contact-data.js';
import { prepareContactUpsert, type UpsertContactResult } from '../contacts/contacts.service.js';
import { redactKeys } from '../keys/keys.js';
import { isReservedEventName } from './event-names.js';
import { insertEvents, type NewEvent } from './events.queries.js';
import { trackThroughBatch } from './track-batcher.js';
import { trackInTransaction } from './track.queries.js';

export async function recordEvents(tx: Tx | Db, rows: NewEvent[]) {
  return insertEvents(tx, rows);
}

/** Events and audit rows that follow a contact upsert: creation, data change, subscription flip. */
export async function recordContactUpsertEffects(tx: Tx, ctx: ProjectActionContext, result: UpsertContactResult, emailId?: string) {
  await recordActivity(tx, await contactUpsertEffects(tx, ctx, result, emailId));
}

/**
 * Like recordContactUpsertEffects, but hands the audit rows back so the caller can write them with
 * its own in one insert (one round trip fewer per request on the send path).
 */
export async function contactUpsertEffects(tx: Tx, ctx: ProjectActionContext, result: UpsertContactResult, emailId?: string): Promise<ActivityInput[]> {
  const { contact } = result;
  const audit: ActivityInput[] = [];
  const base = { projectId: ctx.projectId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip };
  if (result.created) {
    audit.push({ ...base, type: 'contact.created', summary: `Contact ${contact.email} created`, metadata: { contactId: contact.id } });
  } else if (result.dataChanged || result.subscriptionChange) {
    audit.push({ ...base, type: 'contact.updated', summary: `Contact ${contact.email} updated`, metadata: { contactId: contact.id } });
  }
  if (result.subscriptionChange) {
    await insertEvents(tx, [
      { projectId: ctx.projectId, contactId: contact.id, emailId: emailId ?? null, name: `contact.${result.subscriptionChange}`, data: null },
    ]);
    audit.push({ ...base, type: `contact.${result.subscriptionChange}`, summary: `Contact ${contact.email} ${result.subscriptionChange}`, metadata: { contactId: contact.id } });
  }
  return audit;
}

export interface TrackInput {
  event: string;
  email: string;
  subscribed?: boolean;
  preserveExistingSubscription?: boolean;
  data?: ContactData | null;
}

/**
 * Records a tracked event and its contact upsert atomically. Concurrent requests share batched
 * statements; inside a caller's transaction (`tx`) the statement runs there instead.
 */
export async function trackEvent(database: Database, ctx: ProjectActionContext, input: TrackInput, tx?: Executor) {
  if (isReservedEventName(input.event)) {
    throw validationError([
      { field: 'event', code: 'reserved_event', message: `"${input.event}" is a system event name and cannot be tracked`, received: input.event },
    ]);
  }
  const { params } = prepareContactUpsert({
    projectId: ctx.projectId,
    email: input.email,
    data: input.data,
    subscribed: input.subscribed,
    subscribedWhenNew: true,
    preserveExistingSubscription: input.preserveExistingSubscription,
  });
  // The event keeps everything it was sent with, temporary values included: workflows read it.
  const row = {
    contact: params,
    event: { name: input.event, data: input.data ?? null },
    audit: {
      actorType: ctx.actor.type,
      actorId: ctx.actor.id ?? null,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      summary: redactKeys(`Event "${input.event.slice(0, 200)}" tracked`),
    },
  };
  return tx ? trackInTransaction(tx, row) : trackThroughBatch(database, row);
}
