import { AppError } from '../../core/errors.js';
import type { Executor } from '../../db/client.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import * as q from './contact-fields.queries.js';
import type { FieldType } from './contacts.schemas.js';

// Contact fields = the standard columns plus every top-level key found in contacts' `data`.

const STANDARD_FIELDS: { field: q.StandardField; type: FieldType }[] = [
  { field: 'email', type: 'string' },
  { field: 'subscribed', type: 'boolean' },
  { field: 'createdAt', type: 'date' },
  { field: 'updatedAt', type: 'date' },
];

const isStandard = (field: string): field is q.StandardField => STANDARD_FIELDS.some((f) => f.field === field);

export interface ContactField {
  field: string;
  type: FieldType;
  /** Fraction (0–1) of the project's contacts that have the field. */
  coverage: number;
}

/** The most common JSON type of a key's values; strings that all look like ISO dates are 'date'. */
function typeOf(s: q.CustomFieldStats): FieldType {
  const counts: [FieldType, number][] = [
    ['string', s.strings],
    ['number', s.numbers],
    ['boolean', s.booleans],
    ['object', s.objects],
    ['array', s.arrays],
  ];
  const [type] = counts.reduce((best, c) => (c[1] > best[1] ? c : best));
  return type === 'string' && s.dates === s.strings && s.strings > 0 ? 'date' : type;
}

const ratio = (n: number, total: number) => (total ? Math.round((n / total) * 10_000) / 10_000 : 0);

export async function listContactFields(db: Executor, projectId: string): Promise<{ fields: ContactField[]; count: number }> {
  const total = await q.countProjectContacts(db, projectId);
  const custom = await q.customFieldStats(db, projectId);
  const fields: ContactField[] = [
    ...STANDARD_FIELDS.map((f) => ({ ...f, coverage: total ? 1 : 0 })),
    ...custom.filter((s) => !isStandard(s.field)).map((s) => ({ field: s.field, type: typeOf(s), coverage: ratio(s.contacts, total) })),
  ];
  return { fields, count: fields.length };
}

export async function listFieldValues(db: Executor, projectId: string, field: string, limit: number) {
  const values = isStandard(field) ? await q.standardFieldValues(db, projectId, field, limit) : await q.customFieldValues(db, projectId, field, limit);
  return { field, values, count: values.length, limit };
}

/**
 * Where a field is referenced. Segments, campaigns and workflows do not exist yet, so nothing can
 * reference a custom field: usage is empty and only the standard fields are undeletable. Fill this
 * in through those features' services when they land.
 */
export function fieldUsage(field: string) {
  return { field, usage: [] as unknown[], canDelete: !isStandard(field) };
}

const STRIP_BATCH = 500;

/** Removes a custom key from every contact of the project, in short batches, then audits it. */
export async function deleteContactField(db: Executor, ctx: ProjectActionContext, field: string) {
  if (isStandard(field)) throw new AppError('BAD_REQUEST', `"${field}" is a standard contact field and cannot be deleted`, { field });
  let contactsUpdated = 0;
  for (;;) {
    const n = await q.stripCustomFieldBatch(db, ctx.projectId, field, STRIP_BATCH);
    contactsUpdated += n;
    if (n < STRIP_BATCH) break;
  }
  await recordActivity(db, {
    projectId: ctx.projectId,
    actor: ctx.actor,
    requestId: ctx.requestId,
    ip: ctx.ip,
    type: 'contact.field_deleted',
    summary: `Contact field "${field.slice(0, 200)}" deleted from ${contactsUpdated} contact(s)`,
    metadata: { field, contactsUpdated },
  });
  return { field, contactsUpdated };
}
