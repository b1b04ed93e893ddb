import { z } from 'zod';
import type { ContactUpsertParams } from '../../db/contact-upsert.js';
import { normalizeEmail, RESERVED_DATA_KEYS } from './contact-data.js';
import type { CsvRecord } from './contact-csv.js';

// How a CSV row becomes a contact (POST /contacts/import):
// - the column named `email` (any case, anywhere) holds the address, else the first column;
// - a `subscribed` column, when present, sets the subscription (true/false, yes/no, 1/0; blank keeps it);
// - every other column is a `data` key named by its header, verbatim; blank cells are ignored;
// - reserved data keys (id, email, unsubscribeUrl…) and blank headers are skipped.

export interface ImportColumns {
  email: number;
  subscribed: number | null;
  data: { index: number; key: string }[];
}

export interface RowError {
  row: number;
  email: string;
  reason: string;
}

const emailSchema = z.email();
const TRUE = new Set(['true', '1', 'yes', 'y', 'subscribed']);
const FALSE = new Set(['false', '0', 'no', 'n', 'unsubscribed']);

export function mapColumns(header: string[]): ImportColumns {
  const names = header.map((h) => h.trim());
  const lower = names.map((h) => h.toLowerCase());
  const emailAt = lower.indexOf('email');
  const email = emailAt >= 0 ? emailAt : 0;
  const subAt = lower.indexOf('subscribed');
  const subscribed = subAt >= 0 && subAt !== email ? subAt : null;
  const data = names
    .map((key, index) => ({ index, key }))
    .filter((c) => c.index !== email && c.index !== subscribed && c.key !== '' && !RESERVED_DATA_KEYS.has(c.key));
  return { email, subscribed, data };
}

export type RowOutcome = { ok: true; contact: ContactUpsertParams } | { ok: false; error: RowError };

export function contactFromRow(projectId: string, cols: ImportColumns, record: CsvRecord): RowOutcome {
  const raw = record.fields[cols.email] ?? '';
  const fail = (reason: string): RowOutcome => ({ ok: false, error: { row: record.line, email: raw.slice(0, 254), reason } });
  const email = normalizeEmail(raw);
  if (!email) return fail('Email is missing');
  if (email.length > 254 || !emailSchema.safeParse(email).success) return fail('Invalid email address');
  if (record.fields.some((f) => f.includes('\u0000'))) return fail('Row contains NUL characters');

  let subscribed: boolean | null = null;
  if (cols.subscribed !== null) {
    const v = (record.fields[cols.subscribed] ?? '').trim().toLowerCase();
    if (TRUE.has(v)) subscribed = true;
    else if (FALSE.has(v)) subscribed = false;
    else if (v !== '') return fail(`Invalid subscribed value "${v.slice(0, 20)}" (use true or false)`);
  }
  const set: Record<string, unknown> = {};
  for (const c of cols.data) {
    const value = record.fields[c.index];
    if (value !== undefined && value.trim() !== '') set[c.key] = value;
  }
  return { ok: true, contact: { projectId, email, set, unset: [], subscribedIfNew: subscribed ?? true, subscribedIfExisting: subscribed } };
}

/**
 * Rows of one batch must name each email once: a repeated email is merged into its first row,
 * later rows winning key by key and for the subscription (the same result as upserting them in order).
 */
export function mergeIntoBatch(batch: Map<string, ContactUpsertParams>, c: ContactUpsertParams) {
  const prev = batch.get(c.email);
  if (!prev) {
    batch.set(c.email, c);
    return;
  }
  prev.set = { ...prev.set, ...c.set };
  if (c.subscribedIfExisting !== null) {
    prev.subscribedIfNew = c.subscribedIfNew;
    prev.subscribedIfExisting = c.subscribedIfExisting;
  }
}
