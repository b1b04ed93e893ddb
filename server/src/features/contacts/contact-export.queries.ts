import { queryRows, sql, type Executor } from '../../db/client.js';

/** Every data key used by the contacts the export will contain, sorted (the CSV's extra columns). */
export async function listExportDataKeys(db: Executor, f: { projectId: string; search?: string; subscribed?: boolean }): Promise<string[]> {
  const search = f.search ? sql`and c.email ilike ${'%' + f.search.replace(/[\\%_]/g, (ch) => '\\' + ch) + '%'} escape '\\'` : sql``;
  const subscribed = f.subscribed === undefined ? sql`` : sql`and c.subscribed = ${f.subscribed}`;
  const rows = await queryRows<{ key: string }>(
    db,
    sql`select distinct k.key from contacts c cross join lateral jsonb_object_keys(c.data) k(key)
        where c.project_id = ${f.projectId} and jsonb_typeof(c.data) = 'object' ${search} ${subscribed}
        order by k.key`,
  );
  return rows.map((r) => r.key);
}
