import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { campaigns, type CampaignRow, type CampaignStatus } from '../../db/schema/index.js';

// Campaign rows. Stats and recipients (read from the campaign's email rows) are in campaign-stats.queries.ts.

export type NewCampaign = typeof campaigns.$inferInsert;
export type CampaignChanges = Partial<Omit<NewCampaign, 'id' | 'projectId' | 'createdAt' | 'updatedAt'>>;

export interface CampaignListFilter {
  status?: CampaignStatus;
  search?: string;
  archived: boolean | 'all';
  sort: 'name' | 'createdAt' | 'updatedAt';
  dir: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export async function insertCampaign(db: Executor, row: NewCampaign): Promise<CampaignRow> {
  const [campaign] = await db.insert(campaigns).values(row).returning();
  return campaign;
}

export async function findCampaign(db: Executor, projectId: string, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.projectId, projectId), eq(campaigns.id, id)));
  return row;
}

/** Locks the row: edits, deletes and the send/cancel transitions of one campaign run one after the other. */
export async function lockCampaign(db: Executor, projectId: string, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.projectId, projectId), eq(campaigns.id, id))).for('update');
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function listWhere(projectId: string, f: Pick<CampaignListFilter, 'status' | 'search' | 'archived'>): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(campaigns.projectId, projectId)];
  if (f.status) conditions.push(eq(campaigns.status, f.status));
  if (f.archived !== 'all') conditions.push(eq(campaigns.archived, f.archived));
  if (f.search) {
    const pattern = `%${escapeLike(f.search)}%`;
    conditions.push(or(ilike(campaigns.name, pattern), ilike(campaigns.subject, pattern), ilike(campaigns.fromEmail, pattern)));
  }
  return and(...conditions);
}

export async function listCampaignRows(db: Executor, projectId: string, f: CampaignListFilter): Promise<{ rows: CampaignRow[]; total: number }> {
  const where = listWhere(projectId, f);
  const order = f.dir === 'asc' ? asc : desc;
  const rows = await db
    .select()
    .from(campaigns)
    .where(where)
    .orderBy(order(campaigns[f.sort]), order(campaigns.id))
    .limit(f.limit)
    .offset(f.offset);
  const [{ total }] = await db.select({ total: count() }).from(campaigns).where(where);
  return { rows, total: Number(total) };
}

export async function updateCampaignRow(db: Executor, projectId: string, id: string, changes: CampaignChanges): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(campaigns.projectId, projectId), eq(campaigns.id, id)))
    .returning();
  return row;
}

export async function deleteCampaignRow(db: Executor, projectId: string, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.delete(campaigns).where(and(eq(campaigns.projectId, projectId), eq(campaigns.id, id))).returning();
  return row;
}

/**
 * Campaigns that will still send to the segment (DRAFT, SCHEDULED or SENDING): their audience is the
 * segment, or their FILTERED condition names it (`segment.<id>`; ids are stored lowercase).
 */
export async function countActiveCampaignsForSegment(db: Executor, projectId: string, segmentId: string): Promise<number> {
  const reference = `%${escapeLike(JSON.stringify(`segment.${segmentId.toLowerCase()}`))}%`;
  const [row] = await db
    .select({ n: count() })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.projectId, projectId),
        inArray(campaigns.status, ['DRAFT', 'SCHEDULED', 'SENDING']),
        or(
          and(eq(campaigns.audienceType, 'SEGMENT'), eq(campaigns.segmentId, segmentId)),
          and(eq(campaigns.audienceType, 'FILTERED'), sql`lower(${campaigns.audienceCondition}::text) like ${reference}`),
        ),
      ),
    );
  return Number(row?.n ?? 0);
}
