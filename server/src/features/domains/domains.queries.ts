import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { domains, type DomainRow } from '../../db/schema/index.js';

export type NewDomain = typeof domains.$inferInsert;

export async function insertDomain(db: Executor, row: NewDomain): Promise<DomainRow> {
  const [inserted] = await db.insert(domains).values(row).returning();
  return inserted;
}

export async function findDomain(db: Executor, projectId: string, id: string): Promise<DomainRow | undefined> {
  const [row] = await db.select().from(domains).where(and(eq(domains.projectId, projectId), eq(domains.id, id)));
  return row;
}

/** Locks the row for a status transition (the DNS lookups happen before, outside any transaction). */
export async function lockDomain(db: Executor, id: string): Promise<DomainRow | undefined> {
  const [row] = await db.select().from(domains).where(eq(domains.id, id)).for('update');
  return row;
}

export async function findDomainByName(db: Executor, projectId: string, domain: string): Promise<DomainRow | undefined> {
  const [row] = await db.select().from(domains).where(and(eq(domains.projectId, projectId), eq(domains.domain, domain)));
  return row;
}

export async function listDomainRows(db: Executor, projectId: string): Promise<DomainRow[]> {
  return db.select().from(domains).where(eq(domains.projectId, projectId)).orderBy(asc(domains.createdAt), asc(domains.id));
}

/** Every domain of every project, oldest check first: the periodic re-verification. */
export async function listDomainsToCheck(db: Executor): Promise<DomainRow[]> {
  return db.select().from(domains).orderBy(sql`${domains.lastCheckedAt} asc nulls first`, asc(domains.id));
}

export async function isVerifiedInOtherProject(db: Executor, projectId: string, domain: string): Promise<boolean> {
  const [row] = await db
    .select({ id: domains.id })
    .from(domains)
    .where(and(eq(domains.domain, domain), ne(domains.projectId, projectId), eq(domains.status, 'VERIFIED')))
    .limit(1);
  return !!row;
}

/** The most specific VERIFIED domain of the project among `names` (a host and its parents). */
export async function findVerifiedDomain(db: Executor, projectId: string, names: string[]): Promise<DomainRow | undefined> {
  if (!names.length) return undefined;
  const [row] = await db
    .select()
    .from(domains)
    .where(and(eq(domains.projectId, projectId), eq(domains.status, 'VERIFIED'), inArray(domains.domain, names)))
    .orderBy(desc(sql`length(${domains.domain})`))
    .limit(1);
  return row;
}

export async function updateDomain(db: Executor, id: string, patch: Partial<NewDomain>): Promise<DomainRow> {
  const [row] = await db.update(domains).set(patch).where(eq(domains.id, id)).returning();
  return row;
}

export async function deleteDomainRow(db: Executor, projectId: string, id: string): Promise<boolean> {
  const rows = await db.delete(domains).where(and(eq(domains.projectId, projectId), eq(domains.id, id))).returning({ id: domains.id });
  return rows.length > 0;
}
