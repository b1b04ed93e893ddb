import type { Db, Executor } from '../../db/client.js';
import type { ContactRow, EmailRow, ProjectRow } from '../../db/schema/index.js';
import { getContact } from '../contacts/contact-list.service.js';
import { findProject } from '../projects/projects.service.js';
import { recordBounceEffects } from './bounce.service.js';
import { describeSuppression, findSuppression } from './suppressions.service.js';

/**
 * Checked by the worker right before handoff: a reason to end the email as SUPPRESSED instead of
 * sending it (suppression list, unsubscribed or snoozed marketing recipient, paused marketing), or null.
 * The accept-time check is not enough: the list, the contact and the project change while mail waits.
 */
export async function suppressionBeforeHandoff(db: Executor, email: EmailRow, project?: ProjectRow): Promise<string | null> {
  const listed = await findSuppression(db, email.projectId, email.toEmail);
  if (listed) return describeSuppression(listed);
  if (!email.marketing) return null;

  const owner = project ?? (await findProject(db as Db, email.projectId));
  if (owner?.marketingPausedAt) {
    return `Marketing sends are paused for this project since ${owner.marketingPausedAt.toISOString()}: ${owner.marketingPausedReason ?? 'paused'}`;
  }
  const contact = await findContact(db, email);
  if (contact && !contact.subscribed) return `${contact.email} is unsubscribed; marketing mail is not sent to unsubscribed contacts`;
  if (contact?.snoozedUntil && contact.snoozedUntil.getTime() > Date.now()) {
    return `${contact.email} snoozed marketing mail until ${contact.snoozedUntil.toISOString()}`;
  }
  return null;
}

async function findContact(db: Executor, email: EmailRow): Promise<ContactRow | null> {
  try {
    return await getContact(db, email.projectId, email.contactId);
  } catch {
    return null; // deleted since: the email row goes with it
  }
}

/**
 * Called in the transaction that ends an email the transport refused for good (SMTP 5xx at handoff):
 * the address is suppressed at once and an `email.bounced` event (HARD) is recorded.
 */
export async function recordHardBounce(db: Executor, email: EmailRow, reason: string): Promise<void> {
  await recordBounceEffects(db, email, { hard: true, reason, source: 'smtp' });
}
