import type { Executor } from '../../db/client.js';
import { candidateDomains, domainOfAddress } from './domain-name.js';
import { findVerifiedDomain } from './domains.queries.js';

/**
 * The return-path (MAIL FROM) host of the VERIFIED sending domain that covers `fromAddress` in this
 * project, or null. Used by features/suppressions/return-path.ts for VERP addresses.
 */
export async function returnPathHostFor(db: Executor, projectId: string, fromAddress: string): Promise<string | null> {
  const domain = await findVerifiedDomain(db, projectId, candidateDomains(domainOfAddress(fromAddress)));
  return domain?.returnPathHost ?? null;
}
