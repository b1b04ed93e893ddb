import type { EmailRow, ProjectRow } from '../../db/schema/index.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';
import { escapeAttribute, insertBeforeBodyEnd, rewriteLinks } from './html-links.js';
import { clickTokenFor, openTokenFor } from './tracking-tokens.js';

/**
 * DECISIONS §5: the per-email override wins; otherwise the project's mode (MARKETING_ONLY tracks
 * marketing mail only). Account mail from the system project is never tracked.
 */
export function trackingApplies(
  project: Pick<ProjectRow, 'tracking' | 'isSystem'>,
  email: Pick<EmailRow, 'trackingOverride' | 'marketing'>,
): boolean {
  if (project.isSystem) return false;
  if (email.trackingOverride !== null) return email.trackingOverride;
  return project.tracking === 'ENABLED' || (project.tracking === 'MARKETING_ONLY' && email.marketing);
}

/** Longer URLs stay untracked: their signed token would not fit the tokens' size limit. */
const MAX_TRACKED_URL_BYTES = 4096;

// Our hosted pages (unsubscribe must keep working from the mail itself) and our own tracking links.
const UNTRACKED_PATHS = ['/unsubscribe', '/manage', '/subscribe', '/t'];

/** http(s) links only, never mailto:/tel:/#anchors, and never links to our own hosted pages. */
export function isTrackableUrl(publicUrl: string, href: string): boolean {
  if (!/^https?:\/\//i.test(href) || Buffer.byteLength(href) > MAX_TRACKED_URL_BYTES || !URL.canParse(href)) return false;
  const url = new URL(href);
  const base = new URL(publicUrl);
  if (url.origin !== base.origin) return true;
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = url.pathname.toLowerCase();
  return !UNTRACKED_PATHS.some((p) => path === `${prefix}${p}` || path.startsWith(`${prefix}${p}/`));
}

/** Adds the open pixel and rewrites http(s) links to signed click URLs when tracking applies. */
export function instrumentHtml(deps: PipelineDeps, project: ProjectRow, email: EmailRow, html: string): string {
  if (!trackingApplies(project, email)) return html;
  const base = deps.config.publicUrl;
  const linked = rewriteLinks(html, (href) =>
    isTrackableUrl(base, href) ? `${base}/t/c/${clickTokenFor(deps.masterKey, email.id, href)}` : null,
  );
  const pixel = `<img src="${escapeAttribute(`${base}/t/o/${openTokenFor(deps.masterKey, email.id)}.gif`)}" width="1" height="1" alt="" style="display:none">`;
  return insertBeforeBodyEnd(linked, pixel);
}
