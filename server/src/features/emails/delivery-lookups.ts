import type { Db } from '../../db/client.js';
import type { DomainRow, EmailRow, ProjectRow } from '../../db/schema/index.js';
import { campaignHoldReason } from '../campaigns/campaign-fanout.service.js';
import { domainOfAddress, findVerifiedSendingDomain } from '../domains/domains.service.js';
import { findProject } from '../projects/projects.service.js';
import { suppressionsBeforeHandoff } from '../suppressions/delivery-gate.js';

/** Caches the first promise per key, so concurrent callers with the same key share one query. */
function memo<A extends unknown[], V>(keyOf: (...args: A) => string, load: (...args: A) => Promise<V>): (...args: A) => Promise<V> {
  const cache = new Map<string, Promise<V>>();
  return (...args) => {
    const key = keyOf(...args);
    let value = cache.get(key);
    if (!value) cache.set(key, (value = load(...args)));
    return value;
  };
}

const byId = (id: string) => id;

export interface DeliveryLookups {
  project(id: string): Promise<ProjectRow | undefined>;
  /** Why a campaign's mail must not go out now (campaign-fanout.service), or null while it is SENDING. */
  campaignHold(campaignId: string): Promise<string | null>;
  /** The VERIFIED sending domain covering the From address: signs, takes bounces and mailto unsubscribes. */
  sendingDomain(email: EmailRow): Promise<DomainRow | undefined>;
  /** The reason an email of the batch must end SUPPRESSED instead of going out, or undefined. */
  suppression(email: EmailRow, project: ProjectRow): Promise<string | undefined>;
}

/**
 * The reads every email of a job batch needs, done once per batch instead of once per email: a
 * campaign's 20 emails share one project, one campaign, one sending domain and one suppression check
 * (the difference between ~14 statements per message and under one).
 */
export function deliveryLookups(db: Db, batch: EmailRow[]): DeliveryLookups {
  const suppressions = memo(
    (owner: ProjectRow) => owner.id,
    (owner: ProjectRow) => suppressionsBeforeHandoff(db, owner, batch.filter((e) => e.projectId === owner.id)),
  );
  return {
    project: memo(byId, (id) => findProject(db, id)),
    campaignHold: memo(byId, (id) => campaignHoldReason(db, id)),
    sendingDomain: memo(
      (email: EmailRow) => `${email.projectId} ${domainOfAddress(email.fromEmail)}`,
      (email: EmailRow) => findVerifiedSendingDomain(db, email.projectId, email.fromEmail),
    ),
    suppression: async (email, owner) => (await suppressions(owner)).get(email.id),
  };
}
