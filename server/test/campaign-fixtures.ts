import { and, eq, sql } from 'drizzle-orm';
import { campaigns, contacts, emails, type CampaignRow, type EmailStatus } from '../src/db/schema/index.js';
import { suppressAddress } from '../src/features/suppressions/suppressions.service.js';
import { waitFor, type TestContext } from './context.js';

// Shared by the campaign sending tests: contacts in bulk, a campaign through the API, and row counts.

export interface ContactSeed {
  /** Unsubscribed contacts (marketing campaigns skip them). */
  unsubscribed?: number;
  /** Subscribed contacts whose address is on the suppression list. */
  suppressed?: number;
}

/** `n` subscribed contacts `<prefix>-<i>@example.com` plus the ineligible ones asked for. Returns the eligible addresses. */
export async function seedContacts(t: TestContext, n: number, prefix: string, extra: ContactSeed = {}, projectId = t.project.id): Promise<string[]> {
  const eligible = Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}@example.com`);
  const unsub = Array.from({ length: extra.unsubscribed ?? 0 }, (_, i) => `${prefix}-unsub-${i}@example.com`);
  const suppressed = Array.from({ length: extra.suppressed ?? 0 }, (_, i) => `${prefix}-supp-${i}@example.com`);
  const rows = [
    ...eligible.map((email, i) => ({ projectId, email, data: { firstName: `N${i}` } })),
    ...unsub.map((email) => ({ projectId, email, subscribed: false })),
    ...suppressed.map((email) => ({ projectId, email })),
  ];
  for (let i = 0; i < rows.length; i += 500) await t.deps.db.insert(contacts).values(rows.slice(i, i + 500));
  for (const email of suppressed) await suppressAddress(t.deps.db, { projectId, email, reason: 'MANUAL', source: 'api' });
  return eligible;
}

export async function createCampaign(t: TestContext, body: Record<string, unknown> = {}, key?: string): Promise<string> {
  const res = await t.request(
    'POST',
    '/campaigns',
    {
      key,
      body: { name: 'Spring news', subject: 'Hello {{ firstName ?? "there" }}', body: '<p>Hi {{ firstName ?? "there" }}</p>', from: 'news@acme.test', audienceType: 'ALL', ...body },
    },
  );
  if (res.status !== 201) throw new Error(`create campaign: ${res.status} ${res.body}`);
  return res.json.data.id;
}

export const getCampaignRow = async (t: TestContext, id: string): Promise<CampaignRow> =>
  (await t.deps.db.select().from(campaigns).where(eq(campaigns.id, id)))[0];

export const waitForStatus = (t: TestContext, id: string, status: CampaignRow['status'], timeoutMs = 30_000) =>
  waitFor(async () => {
    const row = await getCampaignRow(t, id);
    return row.status === status ? row : null;
  }, timeoutMs, `campaign ${id} to be ${status}`);

export async function countCampaignEmails(t: TestContext, id: string, status?: EmailStatus): Promise<number> {
  const conds = status ? and(eq(emails.campaignId, id), eq(emails.status, status)) : eq(emails.campaignId, id);
  const [row] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(emails).where(conds);
  return Number(row.n);
}

export const campaignEmails = (t: TestContext, id: string) => t.deps.db.select().from(emails).where(eq(emails.campaignId, id));

/** Recipients of the received messages, with how many messages each got. */
export function messagesPerRecipient(messages: { envelopeTo: string[] }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) for (const to of m.envelopeTo) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}
