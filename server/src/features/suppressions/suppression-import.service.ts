import { z } from 'zod';
import { AppError, validationError } from '../../core/errors.js';
import type { Db } from '../../db/client.js';
import type { SuppressionReason } from '../../db/schema/index.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { parseCsv } from '../contacts/contact-csv.js';
import { SUPPRESSION_REASONS } from './suppressions.schemas.js';
import { insertSuppressionBatch, type NewSuppression } from './suppressions.queries.js';

// POST /suppression-list/import: small enough to run in the request (unlike contact imports). The whole
// file is checked first, so a file over the row limit changes nothing; then 500 addresses per statement.

export const MAX_SUPPRESSION_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_SUPPRESSION_IMPORT_ROWS = 50_000;
const BATCH_SIZE = 500;
const MAX_REPORTED_ERRORS = 100;

const validEmail = z.string().trim().max(254).pipe(z.email());

interface RowError {
  line: number;
  value: string | null;
  message: string;
}

export interface SuppressionImportResult {
  total: number;
  added: number;
  alreadyListed: number;
  failed: number;
  errors: RowError[];
}

const fileError = (message: string) => validationError([{ field: 'file', message, code: 'invalid_csv' }], message);

export async function importSuppressions(deps: { db: Db }, ctx: ProjectActionContext, csv: string): Promise<SuppressionImportResult> {
  if (Buffer.byteLength(csv) > MAX_SUPPRESSION_IMPORT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'CSV file must be at most 5 MB');
  const { rows, errors, total } = readRows(csv);
  const source = 'import';
  let added = 0;
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    const batch: NewSuppression[] = rows.slice(i, i + BATCH_SIZE).map((r) => ({ projectId: ctx.projectId, email: r.email, reason: r.reason, source }));
    added += (await insertSuppressionBatch(deps.db, batch)).length;
  }
  const result = { total, added, alreadyListed: total - errors.length - added, failed: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
  await recordActivity(deps.db, {
    ...ctx,
    type: 'suppression.imported',
    summary: `Suppression list import: ${added} added, ${result.alreadyListed} already listed, ${errors.length} failed`,
    metadata: { total, added, alreadyListed: result.alreadyListed, failed: errors.length },
  });
  return result;
}

/** Valid, de-duplicated rows and the row errors; refuses files without an `email` column or over the limit. */
function readRows(csv: string) {
  if (csv.includes('\u0000')) throw fileError('CSV must not contain NUL characters');
  const records = parseCsv(csv);
  const header = records.next();
  if (header.done) throw fileError('CSV file is empty; a header row with an "email" column is required');
  const names = header.value.fields.map((f) => f.trim().toLowerCase());
  const emailCol = names.indexOf('email');
  const reasonCol = names.indexOf('reason');
  if (emailCol < 0) throw fileError('CSV needs an "email" column in its header row');

  const seen = new Map<string, SuppressionReason>();
  const errors: RowError[] = [];
  let total = 0;
  for (const record of records) {
    if (++total > MAX_SUPPRESSION_IMPORT_ROWS) throw fileError(`CSV has more than ${MAX_SUPPRESSION_IMPORT_ROWS} rows; split it into smaller files`);
    const value = record.fields[emailCol]?.trim() ?? '';
    const parsed = validEmail.safeParse(value);
    if (!parsed.success) {
      errors.push({ line: record.line, value: value || null, message: value ? 'not a valid email address' : 'email is empty' });
      continue;
    }
    const reason = (record.fields[reasonCol]?.trim().toUpperCase() || 'MANUAL') as SuppressionReason;
    if (!SUPPRESSION_REASONS.includes(reason)) {
      errors.push({ line: record.line, value, message: `reason must be one of ${SUPPRESSION_REASONS.join(', ')}` });
      continue;
    }
    const email = parsed.data.toLowerCase();
    if (!seen.has(email)) seen.set(email, reason);
  }
  return { rows: [...seen].map(([email, reason]) => ({ email, reason })), errors, total };
}
