import type { Config } from '../../config.js';
import { AppError } from '../../core/errors.js';
import type { Executor } from '../../db/client.js';
import type { DomainRow, ProjectRow } from '../../db/schema/index.js';
import { domainOfAddress, findVerifiedSendingDomain } from '../domains/domains.service.js';

export interface SenderPolicyDeps {
  db: Executor;
  /** Without `domains` (callers that carry no Config), verified domains are not required. */
  config?: Partial<Pick<Config, 'domains'>>;
}

/**
 * The single place that decides whether a project may send from an address. Called when a send is
 * accepted and again by the worker right before handoff (a domain can lose its verification in
 * between). With `REQUIRE_VERIFIED_DOMAINS`, the sender's domain (or a parent of it) must be a
 * VERIFIED sending domain of the project. The system project's account mail is exempt.
 */
export async function assertSenderAllowed(deps: SenderPolicyDeps, project: Pick<ProjectRow, 'id' | 'isSystem'>, fromEmail: string): Promise<void> {
  if (project.isSystem || !deps.config?.domains?.requireVerified) return;
  assertSenderCovered(deps, project, fromEmail, await findVerifiedSendingDomain(deps.db, project.id, fromEmail));
}

/** The same rule with the sending domain already looked up (the worker resolves it once per message). */
export function assertSenderCovered(
  deps: Pick<SenderPolicyDeps, 'config'>,
  project: Pick<ProjectRow, 'isSystem'>,
  fromEmail: string,
  verified: DomainRow | undefined,
): void {
  if (project.isSystem || !deps.config?.domains?.requireVerified || verified) return;
  const domain = domainOfAddress(fromEmail);
  throw new AppError(
    'DOMAIN_NOT_VERIFIED',
    `The sender domain "${domain}" is not a verified sending domain of this project. Add it with POST /domains, publish the DNS records it lists, then verify it with GET /domains/:id/verify.`,
    { domain },
  );
}
