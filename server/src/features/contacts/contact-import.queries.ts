import { queryRows, type Executor } from '../../db/client.js';
import { CONTACTS_UPSERT_CTES, UPSERT_INPUT_COLUMNS, upsertInputRow, type ContactUpsertParams } from '../../db/contact-upsert.js';
import { toDrizzleSql } from '../../db/named-sql.js';

/**
 * One import batch in ONE statement: upsert the contacts (distinct emails), emit a flip event for
 * every existing contact whose subscription changed, and move the job's progress and running counts.
 * Upsert and progress commit together, so a re-run resumes exactly after the last committed batch.
 */
const IMPORT_BATCH_SQL = `with
    i as (select * from jsonb_to_recordset(:rows::jsonb) as x(${UPSERT_INPUT_COLUMNS})),
    ${CONTACTS_UPSERT_CTES},
    flip as (
      insert into events (project_id, contact_id, name)
      select up.project_id, up.id, case when up.subscribed then 'contact.subscribed' else 'contact.unsubscribed' end
      from up join prev on prev.id = up.id where prev.subscribed <> up.subscribed
      returning 1
    ),
    counts as (
      select count(*) filter (where up.created)::int as created, count(*) filter (where not up.created)::int as updated from up
    ),
    job as (
      update background_jobs b set processed = :processed, updated_at = now(),
        result = :partial::jsonb || jsonb_build_object(
          'created', coalesce((b.result->>'created')::int, 0) + (select created from counts),
          'updated', coalesce((b.result->>'updated')::int, 0) + (select updated from counts),
          'flipped', coalesce((b.result->>'flipped')::int, 0) + (select count(*)::int from flip))
      where b.id = :jobId
      returning b.result
    )
    select result from job`;

export interface ImportBatch {
  jobId: string;
  contacts: ContactUpsertParams[];
  /** Data rows of the file consumed once this batch commits. */
  processed: number;
  /** Running counts computed by the caller (imported, failed, errors); created/updated/flipped are added here. */
  partial: Record<string, unknown>;
}

export async function importContactBatch(db: Executor, batch: ImportBatch): Promise<Record<string, unknown>> {
  const [row] = await queryRows<{ result: Record<string, unknown> }>(
    db,
    toDrizzleSql(IMPORT_BATCH_SQL, {
      rows: JSON.stringify(batch.contacts.map((c, n) => upsertInputRow(c, n))),
      processed: batch.processed,
      partial: JSON.stringify(batch.partial),
      jobId: batch.jobId,
    }),
  );
  return row?.result ?? {};
}
