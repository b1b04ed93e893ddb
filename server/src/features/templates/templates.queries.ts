import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { templates, type TemplateRow, type TemplateType } from '../../db/schema/index.js';

export type NewTemplate = typeof templates.$inferInsert;
export type TemplateChanges = Partial<Omit<NewTemplate, 'id' | 'projectId' | 'createdAt' | 'updatedAt'>>;

export interface TemplateListFilter {
  search?: string;
  type?: TemplateType;
  sort: 'name' | 'createdAt' | 'updatedAt';
  dir: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export async function insertTemplate(db: Executor, row: NewTemplate): Promise<TemplateRow> {
  const [template] = await db.insert(templates).values(row).returning();
  return template;
}

export async function findTemplate(db: Executor, projectId: string, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(templates).where(and(eq(templates.projectId, projectId), eq(templates.id, id)));
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function listWhere(projectId: string, f: Pick<TemplateListFilter, 'search' | 'type'>): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(templates.projectId, projectId)];
  if (f.type) conditions.push(eq(templates.type, f.type));
  if (f.search) {
    const pattern = `%${escapeLike(f.search)}%`;
    conditions.push(or(ilike(templates.name, pattern), ilike(templates.description, pattern), ilike(templates.subject, pattern)));
  }
  return and(...conditions);
}

export async function listTemplates(db: Executor, projectId: string, f: TemplateListFilter): Promise<{ rows: TemplateRow[]; total: number }> {
  const where = listWhere(projectId, f);
  const order = f.dir === 'asc' ? asc : desc;
  const rows = await db
    .select()
    .from(templates)
    .where(where)
    .orderBy(order(templates[f.sort]), order(templates.id))
    .limit(f.limit)
    .offset(f.offset);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(templates).where(where);
  return { rows, total };
}

export async function updateTemplateRow(db: Executor, projectId: string, id: string, changes: TemplateChanges): Promise<TemplateRow | undefined> {
  const [row] = await db
    .update(templates)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(templates.projectId, projectId), eq(templates.id, id)))
    .returning();
  return row;
}

/** Deletes the given templates of one project; returns the rows that were deleted. */
export async function deleteTemplates(db: Executor, projectId: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  return db
    .delete(templates)
    .where(and(eq(templates.projectId, projectId), inArray(templates.id, ids)))
    .returning({ id: templates.id, name: templates.name });
}

/** Which of `ids` belong to the project, locked so a concurrent change cannot slip in before the delete. */
export async function lockTemplateIds(db: Executor, projectId: string, ids: string[]): Promise<string[]> {
  const rows = await db
    .select({ id: templates.id })
    .from(templates)
    .where(and(eq(templates.projectId, projectId), inArray(templates.id, ids)))
    .for('update');
  return rows.map((r) => r.id);
}
