import type { Executor } from '../../db/client.js';
import { csvLine } from './contact-csv.js';
import { listExportDataKeys } from './contact-export.queries.js';
import { listContactRows } from './contacts.queries.js';

// GET /contacts/export: CSV produced page by page (keyset, 1000 rows) while the response streams,
// so memory stays flat and no transaction is held open (PGlite serves other queries between pages).

const PAGE_SIZE = 1000;

export interface ExportFilter {
  projectId: string;
  search?: string;
  subscribed?: boolean;
}

export function exportFileName(now = new Date()): string {
  return `contacts-${now.toISOString().slice(0, 10)}.csv`;
}

/** Columns: email, subscribed, createdAt, then every data key in use (one first pass over the keys). */
export async function* exportContactsCsv(db: Executor, filter: ExportFilter): AsyncGenerator<string> {
  const keys = await listExportDataKeys(db, filter);
  yield csvLine(['email', 'subscribed', 'createdAt', ...keys]);
  let after: { value: string; id: string } | undefined;
  for (;;) {
    const rows = await listContactRows(db, { ...filter, sort: 'createdAt', dir: 'asc', limit: PAGE_SIZE, after });
    const page = rows.slice(0, PAGE_SIZE);
    if (page.length) {
      yield page
        .map((c) => {
          const data = (c.data ?? {}) as Record<string, unknown>;
          return csvLine([c.email, c.subscribed, c.createdAt.toISOString(), ...keys.map((k) => data[k])]);
        })
        .join('');
    }
    if (rows.length <= PAGE_SIZE) return;
    const last = page[page.length - 1];
    after = { value: last.sortKey, id: last.id };
  }
}
