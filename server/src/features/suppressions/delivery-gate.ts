import type { Executor } from '../../db/client.js';
import type { ContactRow, EmailRow, ProjectRow } from '../../db/schema/index.js';
import { getContactsByIds } from '../contacts/contact-list.service.js';
import { recordBounceEffects } from './bounce.service.js';
import { describeSuppression, findSuppressions, normalizeAddress } from './suppressions.service.js';

/**
 * Checked by the worker right before handoff, for a batch of claimed emails of one project: the reason
 * to end each blocked email as SUPPRESSED instead of sending it (suppression list, unsubscribed or
 * snoozed marketing recipient, paused marketing), keyed by email id. Two queries for the whole batch.
 * The accept-time check is not enough: the list, the contact and the project change while mail waits.
 */
export async function suppressionsBeforeHandoff(db: Executor, project: ProjectRow, batch: EmailRow[]): Promise<Map<string, string>> {
  const listed = await findSuppressions(db, project.id, batch.map((e) => e.toEmail));
  const marketing = batch.filter((e) => e.marketing);
  const contacts = marketing.length && !project.marketingPausedAt ? await getContactsByIds(db, project.id, marketing.map((e) => e.contactId)) : new Map<string, ContactRow>();
  const reasons = new Map<string, string>();
  for (const email of batch) {
    const entry = listed.get(normalizeAddress(email.toEmail));
    const reason = entry ? describeSuppression(entry) : email.marketing ? marketingBlock(project, contacts.get(email.contactId)) : null;
    if (reason) reasons.set(email.id, reason);
  }
  return reasons;
}

function marketingBlock(project: ProjectRow, contact: ContactRow | undefined): string | null {
  if (project.marketingPausedAt) {
    return `Marketing sends are paused for this project since ${project.marketingPausedAt.toISOString()}: ${project.marketingPausedReason ?? 'paused'}`;
  }
  if (contact && !contact.subscribed) return `${contact.email} is unsubscribed; marketing mail is not sent to unsubscribed contacts`;
  if (contact?.snoozedUntil && contact.snoozedUntil.getTime() > Date.now()) {
    return `${contact.email} snoozed marketing mail until ${contact.snoozedUntil.toISOString()}`;
  }
  return null;
}

/**
 * Called in the transaction that ends an email the transport refused for good (SMTP 5xx at handoff):
 * the address is suppressed at once and an `email.bounced` event (HARD) is recorded.
 */
export async function recordHardBounce(db: Executor, email: EmailRow, reason: string): Promise<void> {
  await recordBounceEffects(db, email, { hard: true, reason, source: 'smtp' });
}
