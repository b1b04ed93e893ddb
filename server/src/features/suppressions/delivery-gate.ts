import type { EmailRow } from '../../db/schema/index.js';
import type { Executor } from '../../db/client.js';

/**
 * Checked by the worker right before handoff: a reason to end the email as SUPPRESSED instead of
 * sending it (suppression list, unsubscribed or snoozed marketing recipient, paused marketing), or null.
 * (stub: always null)
 */
export async function suppressionBeforeHandoff(_db: Executor, _email: EmailRow): Promise<string | null> {
  return null;
}

/**
 * Called in the transaction that ends an email the transport refused for good (SMTP 5xx at handoff),
 * to record the hard bounce (stub: nothing yet; suppression comes with the suppression list).
 */
export async function recordHardBounce(_db: Executor, _email: EmailRow, _reason: string): Promise<void> {}
