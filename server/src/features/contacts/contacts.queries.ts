import { queryRows, type Executor } from '../../db/client.js';
import { CONTACTS_UPSERT_CTES, UPSERT_INPUT_COLUMNS, upsertInputRow, type ContactUpsertParams } from '../../db/contact-upsert.js';
import { toDrizzleSql } from '../../db/named-sql.js';
import type { ContactRow } from '../../db/schema/index.js';

export interface UpsertedContact {
  contact: ContactRow;
  created: boolean;
  previous: { subscribed: boolean; data: Record<string, unknown> | null } | null;
}

interface UpsertRow {
  id: string;
  project_id: string;
  email: string;
  data: Record<string, unknown> | null;
  subscribed: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  created: boolean;
  prev_subscribed: boolean | null;
  prev_data: Record<string, unknown> | null;
  had_prev: boolean;
}

/** Create-or-merge in one statement; reports the state before so callers can see what changed. */
export async function upsertContactRow(db: Executor, params: ContactUpsertParams): Promise<UpsertedContact> {
  const [row] = await queryRows<UpsertRow>(
    db,
    toDrizzleSql(
      `with i as (select * from jsonb_to_recordset(:rows::jsonb) as x(${UPSERT_INPUT_COLUMNS})), ${CONTACTS_UPSERT_CTES}
       select up.*, prev.subscribed as prev_subscribed, prev.data as prev_data, prev.id is not null as had_prev
       from up left join prev on prev.id = up.id`,
      { rows: JSON.stringify([upsertInputRow(params, 0)]) },
    ),
  );
  return {
    contact: {
      id: row.id,
      projectId: row.project_id,
      email: row.email,
      data: row.data,
      subscribed: row.subscribed,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
    created: row.created,
    previous: row.had_prev ? { subscribed: row.prev_subscribed!, data: row.prev_data } : null,
  };
}
