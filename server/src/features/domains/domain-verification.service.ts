import type { DomainRow, DomainStatus } from '../../db/schema/index.js';
import { recordActivity, type ActionContext, type ProjectActionContext } from '../activity/activity.service.js';
import { checkDomainRecords, type CheckOutcome } from './dns-records.js';
import { domainAudit, getDomain, type DomainDeps } from './domains.service.js';
import * as q from './domains.queries.js';

const SYSTEM: ActionContext = { actor: { type: 'system' } };
/** Domains checked at once by the periodic job (each check is five lookups). */
const PARALLEL_CHECKS = 4;

function nextStatus(current: DomainStatus, outcome: CheckOutcome): DomainStatus {
  if (outcome.verdict === 'VERIFIED') return 'VERIFIED';
  // A failed lookup (timeout, SERVFAIL) proves nothing: the domain keeps its status.
  if (outcome.verdict === 'INCONCLUSIVE') return current;
  return current === 'PENDING' ? 'PENDING' : 'FAILED';
}

/**
 * Saves a check's outcome. The lookups ran before, outside any transaction; here the row is locked so
 * that two concurrent checks record one status change (and one Activity entry), not two.
 */
async function applyOutcome(deps: DomainDeps, ctx: ActionContext, id: string, outcome: CheckOutcome): Promise<DomainRow | undefined> {
  return deps.db.transaction(async (tx) => {
    const current = await q.lockDomain(tx, id);
    if (!current) return undefined; // deleted meanwhile
    const now = deps.clock.now();
    const status = nextStatus(current.status, outcome);
    const reason = status === 'VERIFIED' ? null : outcome.problems.join('; ').slice(0, 1000) || current.failureReason;
    const becameVerified = status === 'VERIFIED' && current.status !== 'VERIFIED';
    const row = await q.updateDomain(tx, id, {
      status,
      records: outcome.records,
      failureReason: reason,
      lastCheckedAt: now,
      updatedAt: now,
      ...(becameVerified ? { verifiedAt: now } : {}),
    });
    if (becameVerified) {
      await recordActivity(tx, domainAudit(ctx, row, 'domain.verified', `Sending domain ${row.domain} verified: every required DNS record matches`));
    } else if (current.status === 'VERIFIED' && status === 'FAILED') {
      await recordActivity(tx, domainAudit(ctx, row, 'domain.unverified', `Sending domain ${row.domain} is no longer verified: ${reason}`, { reason }));
    }
    return row;
  });
}

async function checkAndSave(deps: DomainDeps, ctx: ActionContext, row: DomainRow): Promise<DomainRow | undefined> {
  const outcome = await checkDomainRecords(deps.dns, row, deps.config.domains, row.records);
  if (outcome.verdict === 'INCONCLUSIVE') deps.log?.warn({ domainId: row.id, domain: row.domain, problems: outcome.problems }, 'domain check inconclusive: DNS lookups failed');
  return applyOutcome(deps, ctx, row.id, outcome);
}

/** `GET /domains/:id/verify`: looks every record up now and answers with the updated domain. */
export async function verifyDomain(deps: DomainDeps, ctx: ProjectActionContext, id: string): Promise<DomainRow> {
  const row = await getDomain(deps.db, ctx.projectId, id);
  return (await checkAndSave(deps, ctx, row)) ?? getDomain(deps.db, ctx.projectId, id);
}

/** The periodic `domain.verify` job: every domain, a few at a time; one domain's failure never stops the rest. */
export async function verifyAllDomains(deps: DomainDeps): Promise<{ checked: number; verified: number }> {
  const rows = await q.listDomainsToCheck(deps.db);
  let next = 0;
  let verified = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      try {
        const saved = await checkAndSave(deps, SYSTEM, row);
        if (saved?.status === 'VERIFIED') verified++;
      } catch (err) {
        deps.log?.error({ err, domainId: row.id }, 'domain check failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, rows.length) }, worker));
  return { checked: rows.length, verified };
}
