import { readContactToken } from '../../core/contact-token.js';
import type { Db } from '../../db/client.js';
import type { ContactRow, ProjectRow } from '../../db/schema/index.js';
import { changeContactPreferences, findContactForLink, type PreferenceChange } from '../contacts/contact-preferences.service.js';
import { isEmailOfContact } from '../emails/emails.service.js';
import { findProject } from '../projects/projects.service.js';

// What a signed contact token lets its holder do: see and change that contact's subscription. The
// token is verified before any lookup; an unknown or altered token changes nothing and reveals nothing.

export type LinkAction = 'unsubscribe' | 'subscribe' | 'snooze-week' | 'snooze-month' | 'snooze-3-months';
export const LINK_ACTIONS: readonly LinkAction[] = ['unsubscribe', 'subscribe', 'snooze-week', 'snooze-month', 'snooze-3-months'];

/** Where a change came from (Activity shows it): one-click, unsubscribe-page, subscribe-page, manage-page, mailto. */
export type LinkSource = string;

export interface LinkRequest {
  /** `?e=` of the link: attributes the change to that email when it was sent to this contact. */
  emailId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  now?: Date;
}

/** What the hosted pages show about the contact. */
export interface LinkView {
  projectName: string;
  language: string;
  /** The address, partly hidden: the page is open to whoever holds the link. */
  maskedEmail: string;
  subscribed: boolean;
  /** Set while marketing mail is paused. */
  snoozedUntil: Date | null;
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = address.slice(0, at);
  return `${local.slice(0, local.length > 3 ? 2 : 1)}***${address.slice(at)}`;
}

function viewOf(project: ProjectRow, contact: ContactRow, now: Date): LinkView {
  return {
    projectName: project.name,
    language: project.language,
    maskedEmail: maskEmail(contact.email),
    subscribed: contact.subscribed,
    snoozedUntil: contact.snoozedUntil && contact.snoozedUntil > now ? contact.snoozedUntil : null,
  };
}

async function resolve(db: Db, masterKey: Buffer, token: string): Promise<{ contact: ContactRow; project: ProjectRow } | null> {
  const contactId = readContactToken(masterKey, token);
  if (!contactId) return null;
  const contact = await findContactForLink(db, contactId);
  const project = contact && (await findProject(db, contact.projectId));
  return contact && project ? { contact, project } : null;
}

/** The contact's subscription state for the manage and confirm pages; null for an invalid token. */
export async function viewByToken(db: Db, masterKey: Buffer, token: string, now = new Date()): Promise<LinkView | null> {
  const found = await resolve(db, masterKey, token);
  return found ? viewOf(found.project, found.contact, now) : null;
}

function changeFor(action: LinkAction, now: Date): PreferenceChange {
  if (action === 'unsubscribe' || action === 'subscribe') return { kind: action };
  const until = new Date(now);
  if (action === 'snooze-week') until.setUTCDate(until.getUTCDate() + 7);
  else until.setUTCMonth(until.getUTCMonth() + (action === 'snooze-month' ? 1 : 3));
  return { kind: 'snooze', until };
}

/**
 * Applies a hosted-page action for the contact a token names. Idempotent: repeating an action writes
 * nothing more (one `contact.unsubscribed` event however often a one-click POST is retried).
 */
export async function applyLinkAction(
  db: Db,
  masterKey: Buffer,
  token: string,
  action: LinkAction,
  source: LinkSource,
  req: LinkRequest = {},
): Promise<{ outcome: 'changed' | 'unchanged'; view: LinkView } | { outcome: 'invalid' }> {
  const found = await resolve(db, masterKey, token);
  if (!found) return { outcome: 'invalid' };
  const { contact, project } = found;
  const now = req.now ?? new Date();
  // An attacker-chosen `?e=` is ignored unless that email really went to this contact.
  const emailId = req.emailId && (await isEmailOfContact(db, project.id, req.emailId, contact.id)) ? req.emailId : undefined;
  const ctx = { projectId: project.id, actor: { type: 'system' as const, id: source }, requestId: req.requestId, ip: req.ip };
  const result = await changeContactPreferences(db, ctx, contact.id, changeFor(action, now), emailId);
  if (!result) return { outcome: 'invalid' }; // deleted between the lookup and the change
  return { outcome: result.changed ? 'changed' : 'unchanged', view: viewOf(project, result.contact, now) };
}

/**
 * Unsubscribes the contact a signed unsubscribe token names (one-click POST, hosted page, or a
 * `mailto:` unsubscribe received by the MX listener). Idempotent; an unknown or tampered token changes
 * nothing.
 */
export async function unsubscribeByToken(
  db: Db,
  masterKey: Buffer,
  token: string,
  source: string,
  req: LinkRequest = {},
): Promise<'unsubscribed' | 'already' | 'invalid'> {
  const result = await applyLinkAction(db, masterKey, token, 'unsubscribe', source, req);
  return result.outcome === 'invalid' ? 'invalid' : result.outcome === 'changed' ? 'unsubscribed' : 'already';
}
