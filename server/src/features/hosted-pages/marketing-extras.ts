import { contactToken } from '../../core/contact-token.js';
import type { EmailRow, ProjectRow } from '../../db/schema/index.js';
import { contactPageUrls } from '../../mail/render.js';
import type { PipelineDeps } from '../emails/message-pipeline.js';
import { escapeHtml } from './pages.js';
import { fill, stringsFor } from './strings.js';

export interface MarketingExtras {
  headers: Record<string, string>;
  footerHtml: string;
  footerText: string;
}

/** Where `mailto:` unsubscribes go: the MX listener takes `unsubscribe+<token>@<host>` (features/smtp-ingress). */
export const UNSUBSCRIBE_PREFIX = 'unsubscribe+';

const hasHeader = (headers: Record<string, string> | null, name: string) => Object.keys(headers ?? {}).some((k) => k.toLowerCase() === name);

/**
 * List-Unsubscribe headers (RFC 2369 + RFC 8058 one-click), Precedence and the footer for marketing
 * mail (DECISIONS §4); null for transactional mail, which carries none of them. The footer is in the
 * project's language and shows its postal address (CAN-SPAM, mailbox-provider bulk rules).
 * `mailHost` takes `mailto:` unsubscribes: the verified sending domain's return-path host (its MX points
 * at our listener), else MX_HOST or the public URL's host when the listener runs here. Null when nobody
 * would receive the message: then only the HTTPS link is offered.
 */
export function marketingExtras(deps: Pick<PipelineDeps, 'config' | 'masterKey'>, project: ProjectRow, email: EmailRow, mailHost: string | null): MarketingExtras | null {
  if (!email.marketing) return null;
  const { unsubscribeUrl, manageUrl } = contactPageUrls(deps.config.publicUrl, deps.masterKey, email.contactId, email.id);
  const headers: Record<string, string> = {
    Precedence: 'bulk',
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
  };
  // A caller who brings either List-Unsubscribe header brings the pair: we never claim one-click for a
  // URL we do not serve, nor leave our URL beside theirs.
  if (!hasHeader(email.headers, 'list-unsubscribe') && !hasHeader(email.headers, 'list-unsubscribe-post')) {
    const mailto = mailHost ? `, <mailto:${UNSUBSCRIBE_PREFIX}${contactToken(deps.masterKey, email.contactId)}@${mailHost}>` : '';
    headers['List-Unsubscribe'] = `<${unsubscribeUrl}>${mailto}`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return { headers, ...footer(project, unsubscribeUrl, manageUrl) };
}

/** The footer goes inside the document (before `</body>`) when the body is a whole document, else at the end. */
export function withFooter(html: string, footerHtml: string): string {
  const end = [...html.matchAll(/<\/body\b/gi)].at(-1)?.index;
  return end === undefined ? html + footerHtml : html.slice(0, end) + footerHtml + html.slice(end);
}

function footer(project: ProjectRow, unsubscribeUrl: string, manageUrl: string): Pick<MarketingExtras, 'footerHtml' | 'footerText'> {
  const { t } = stringsFor(project.language);
  const address = project.postalAddress?.trim();
  const sender = fill(address ? t.footerReason : t.footerNoAddress, { project: project.name });
  const addressLines = address ? address.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [];
  const small = 'font-family:Arial,Helvetica,sans-serif;font-size:12px;line-height:18px;color:#6b7280';
  const link = 'color:#6b7280;text-decoration:underline';
  const footerHtml = [
    `<div style="margin:32px 0 0;padding:16px 0 0;border-top:1px solid #e5e7eb;text-align:center;${small}">`,
    `<p style="margin:0 0 8px;${small}">${escapeHtml(sender)}</p>`,
    addressLines.length ? `<p style="margin:0 0 8px;${small}">${addressLines.map(escapeHtml).join('<br>')}</p>` : '',
    `<p style="margin:0;${small}"><a href="${escapeHtml(unsubscribeUrl)}" style="${link}">${escapeHtml(t.unsubscribe)}</a>`,
    ` &middot; <a href="${escapeHtml(manageUrl)}" style="${link}">${escapeHtml(t.managePreferences)}</a></p>`,
    '</div>',
  ].join('');
  const footerText = ['', '', sender, ...addressLines, `${t.unsubscribe}: ${unsubscribeUrl}`, `${t.managePreferences}: ${manageUrl}`].join('\n');
  return { footerHtml, footerText };
}
