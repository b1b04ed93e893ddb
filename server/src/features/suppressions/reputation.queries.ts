import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.js';

export interface RateRow {
  projectId: string;
  sent: number;
  bounced: number;
  complained: number;
}

// "Sent" = handed to a transport and accepted or bounced there: SENT, DELIVERED, BOUNCED, COMPLAINED.
// Bounced = hard bounces only (a soft bounce does not stamp bounced_at). The window is by created_at,
// which emails_project_created_idx serves.
const counted = sql`status in ('SENT', 'DELIVERED', 'BOUNCED', 'COMPLAINED')`;
const columns = sql`count(*)::int as sent,
  (count(*) filter (where bounced_at is not null and bounce_type = 'HARD'))::int as bounced,
  (count(*) filter (where complained_at is not null))::int as complained`;

/** Every project that sent at least `minSent` emails since `since`, with its bounce and complaint counts. */
export async function rateRowsSince(db: Executor, since: Date, minSent: number): Promise<RateRow[]> {
  return queryRows<RateRow>(
    db,
    sql`select project_id as "projectId", ${columns} from emails
        where created_at >= ${since.toISOString()}::timestamptz and ${counted}
        group by project_id having count(*) >= ${minSent}`,
  );
}

/** One project's counts since `since` (all time when null). */
export async function projectRateRow(db: Executor, projectId: string, since: Date | null): Promise<RateRow> {
  const window = since ? sql`and created_at >= ${since.toISOString()}::timestamptz` : sql``;
  const [row] = await queryRows<Omit<RateRow, 'projectId'>>(db, sql`select ${columns} from emails where project_id = ${projectId}::uuid and ${counted} ${window}`);
  return { projectId, sent: row?.sent ?? 0, bounced: row?.bounced ?? 0, complained: row?.complained ?? 0 };
}
