import type { ProjectRow } from '../../db/schema/index.js';

/**
 * The single place that decides whether a project may send from an address. Called when a send is
 * accepted and again by the worker right before handoff. Sending domains (verification and
 * `REQUIRE_VERIFIED_DOMAINS`) plug in here; until then every syntactically valid sender is allowed.
 */
export async function assertSenderAllowed(_deps: unknown, _project: Pick<ProjectRow, 'id'>, _fromEmail: string): Promise<void> {}
