import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { isUniqueViolation } from '../../core/db-errors.js';
import { AppError, notFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { Db, Executor } from '../../db/client.js';
import type { DomainRow } from '../../db/schema/index.js';
import type { DnsResolver } from '../../mail/dns.js';
import { recordActivity, type ProjectActionContext } from '../activity/activity.service.js';
import { countQueuedEmailsFromDomain } from '../emails/emails.service.js';
import { generateDkimKey, newSelector } from './dkim-keys.js';
import { expectedRecords } from './dns-records.js';
import { candidateDomains, domainOfAddress, normalizeSendingDomain, RETURN_PATH_LABEL } from './domain-name.js';
import type { CreateDomainBody } from './domains.schemas.js';
import * as q from './domains.queries.js';

export { domainOfAddress };

export interface DomainDeps {
  db: Db;
  dns: DnsResolver;
  clock: Clock;
  masterKey: Buffer;
  config: Pick<Config, 'domains'>;
  log?: Pick<Logger, 'warn' | 'error'>;
}

export function domainAudit(ctx: Omit<ProjectActionContext, 'projectId'>, d: Pick<DomainRow, 'id' | 'projectId' | 'domain'>, type: string, summary: string, extra: Record<string, unknown> = {}) {
  return { projectId: d.projectId, actor: ctx.actor, requestId: ctx.requestId, ip: ctx.ip, type, summary, metadata: { domainId: d.id, domain: d.domain, ...extra } };
}

/** The project's domain, or 404 (also for ids of other projects). */
export async function getDomain(db: Executor, projectId: string, id: string): Promise<DomainRow> {
  const row = isUuid(id) ? await q.findDomain(db, projectId, id) : undefined;
  if (!row) throw notFound('RESOURCE_NOT_FOUND', 'Domain', id);
  return row;
}

export async function listDomains(db: Executor, projectId: string): Promise<DomainRow[]> {
  return q.listDomainRows(db, projectId);
}

/** `GET /domains/project/:projectId` (Plunk's path): only the caller's own project exists for it. */
export async function listDomainsOfProject(db: Executor, callerProjectId: string, projectId: string): Promise<DomainRow[]> {
  if (projectId !== callerProjectId) throw notFound('PROJECT_NOT_FOUND', 'Project', projectId);
  return q.listDomainRows(db, callerProjectId);
}

/**
 * Adds a sending domain: a fresh RSA-2048 DKIM key (stored encrypted), a selector and the records
 * to publish. Nothing is looked up yet; `GET /domains/:id/verify` and the periodic job do that.
 */
export async function createDomain(deps: Omit<DomainDeps, 'dns'>, ctx: ProjectActionContext, input: CreateDomainBody): Promise<DomainRow> {
  const domain = normalizeSendingDomain(input.domain);
  const taken = () => new AppError('CONFLICT', `${domain} is already a sending domain of this project`, { domain });
  if (await q.findDomainByName(deps.db, ctx.projectId, domain)) throw taken();
  if (await q.isVerifiedInOtherProject(deps.db, ctx.projectId, domain)) {
    throw new AppError('CONFLICT', `${domain} is already verified by another project; remove it there first`, { domain });
  }
  const key = await generateDkimKey(deps.masterKey);
  const now = deps.clock.now();
  const facts = { domain, selector: newSelector(now), dkimPublicKey: key.publicKey, returnPathHost: `${RETURN_PATH_LABEL}.${domain}` };
  try {
    return await deps.db.transaction(async (tx) => {
      const row = await q.insertDomain(tx, {
        projectId: ctx.projectId,
        ...facts,
        dkimPrivateKeyEncrypted: key.privateKeyEncrypted,
        status: 'PENDING',
        records: expectedRecords(facts, deps.config.domains),
        createdAt: now,
        updatedAt: now,
      });
      await recordActivity(tx, domainAudit(ctx, row, 'domain.created', `Sending domain ${domain} added (DKIM selector ${row.selector})`, { selector: row.selector }));
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'domains_project_domain_unique')) throw taken();
    throw err;
  }
}

/** Refuses while emails from the domain still wait for delivery: they would fail the sender check or go unsigned. */
export async function deleteDomain(deps: Pick<DomainDeps, 'db'>, ctx: ProjectActionContext, id: string): Promise<void> {
  const row = await getDomain(deps.db, ctx.projectId, id);
  const queued = await countQueuedEmailsFromDomain(deps.db, ctx.projectId, row.domain);
  if (queued > 0) {
    throw new AppError('CONFLICT', `Domain ${row.domain} is in use: ${queued} email(s) from it are waiting to be delivered. Delete it once they are sent.`, {
      domain: row.domain,
      queuedEmails: queued,
    });
  }
  await deps.db.transaction(async (tx) => {
    if (!(await q.deleteDomainRow(tx, ctx.projectId, row.id))) throw notFound('RESOURCE_NOT_FOUND', 'Domain', id);
    await recordActivity(tx, domainAudit(ctx, row, 'domain.deleted', `Sending domain ${row.domain} removed`));
  });
}

/**
 * The VERIFIED domain of the project that covers the sender's address: its own domain, or the closest
 * parent (`news.example.com` is covered by `example.com`, and signs with `d=example.com`, which DMARC's
 * relaxed alignment accepts).
 */
export async function findVerifiedSendingDomain(db: Executor, projectId: string, fromEmail: string): Promise<DomainRow | undefined> {
  return q.findVerifiedDomain(db, projectId, candidateDomains(domainOfAddress(fromEmail)));
}
