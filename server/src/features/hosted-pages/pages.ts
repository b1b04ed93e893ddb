import { createHash } from 'node:crypto';
import { fill, formatDate, stringsFor, type HostedStrings } from './strings.js';
import type { LinkView } from './unsubscribe.service.js';

// Server-rendered hosted pages: plain HTML forms (no JavaScript), one small inline stylesheet allowed
// by its hash, nothing external. Forms post back with relative URLs, so the pages work under any
// PUBLIC_URL path prefix and the CSP's form-action 'self' holds.

const STYLE = [
  'body{margin:0;background:#f5f5f4;color:#1c1917;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}',
  'main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #e7e5e4;border-radius:.75rem}',
  'h1{font-size:1.375rem;margin:0 0 1rem}p{margin:0 0 1rem}form{margin:0 0 1rem}.row{display:flex;flex-wrap:wrap;gap:.5rem}',
  'button{font:inherit;padding:.5rem 1rem;border-radius:.5rem;border:1px solid #1c1917;background:#1c1917;color:#fff;cursor:pointer}',
  'button.secondary{background:#fff;color:#1c1917}button:focus-visible,a:focus-visible{outline:3px solid #2563eb;outline-offset:2px}',
  'a{color:#1d4ed8}.note{color:#57534e;font-size:.875rem}',
  '@media (prefers-color-scheme:dark){body{background:#1c1917;color:#f5f5f4}main{background:#292524;border-color:#44403c}',
  'button{background:#f5f5f4;color:#1c1917;border-color:#f5f5f4}button.secondary{background:#292524;color:#f5f5f4}a{color:#93c5fd}.note{color:#a8a29e}}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Nothing may load from anywhere; only our stylesheet applies and forms post to this origin. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(lang: string, title: string, siteName: string | null, body: string): string {
  const fullTitle = siteName ? `${title} · ${siteName}` : title;
  return [
    `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow">',
    `<title>${escapeHtml(fullTitle)}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  ].join('');
}

const p = (text: string, cls?: string) => `<p${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</p>`;

/** A form posting to `action` (relative; '' = this page) with an optional `action` field. */
function button(action: string, label: string, field?: string, secondary = false): string {
  const hidden = field ? `<input type="hidden" name="action" value="${escapeHtml(field)}">` : '';
  // No action attribute posts back to this very URL, query included.
  const target = action ? ` action="${escapeHtml(action)}"` : '';
  return `<form method="post"${target}>${hidden}<button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button></form>`;
}

/** Relative link from any hosted page (`/<page>/<token>`) to another one of the same contact. */
const sibling = (page: string, token: string) => `../${page}/${encodeURIComponent(token)}`;

function context(view: LinkView) {
  const { lang, t } = stringsFor(view.language);
  const values = { project: view.projectName, email: view.maskedEmail, until: view.snoozedUntil ? formatDate(lang, view.snoozedUntil) : '' };
  return { lang, t, say: (text: string) => fill(text, values) };
}

/** Unknown, truncated or altered token: neutral, in English (no project is known), 200. */
export function invalidLinkPage(): string {
  const { lang, t } = stringsFor('en');
  return layout(lang, t.invalidTitle, null, p(t.invalidText));
}

const manageLink = (t: HostedStrings, token: string) => `<p class="note"><a href="${escapeHtml(sibling('manage', token))}">${escapeHtml(t.manageLink)}</a></p>`;

/** GET /unsubscribe/:token — asks first (link scanners fetch URLs; only a POST unsubscribes). */
export function confirmUnsubscribePage(view: LinkView, token: string): string {
  const { lang, t, say } = context(view);
  if (!view.subscribed) return unsubscribedPage(view, token);
  return layout(lang, t.confirmTitle, view.projectName, p(say(t.confirmText)) + button('', t.confirmButton) + manageLink(t, token));
}

/** After an unsubscribe (or when already unsubscribed): offers to subscribe again. */
export function unsubscribedPage(view: LinkView, token: string): string {
  const { lang, t, say } = context(view);
  const body = p(say(t.unsubscribedText)) + button(sibling('subscribe', token), t.resubscribeButton, undefined, true) + manageLink(t, token);
  return layout(lang, t.unsubscribedTitle, view.projectName, body);
}

/** GET /subscribe/:token — confirm, or the state when already subscribed. */
export function confirmSubscribePage(view: LinkView, token: string): string {
  const { lang, t, say } = context(view);
  if (view.subscribed && !view.snoozedUntil) return subscribedPage(view, token);
  return layout(lang, t.subscribeTitle, view.projectName, p(say(t.subscribeText)) + button('', t.subscribeButton) + manageLink(t, token));
}

export function subscribedPage(view: LinkView, token: string): string {
  const { lang, t, say } = context(view);
  return layout(lang, t.subscribedTitle, view.projectName, p(say(t.subscribedText)) + manageLink(t, token));
}

/** GET/POST /manage/:token — the state and every action as a plain form button. */
export function managePage(view: LinkView): string {
  const { lang, t, say } = context(view);
  const parts: string[] = [];
  if (!view.subscribed) {
    parts.push(p(say(t.stateUnsubscribed)), button('', t.resubscribeButton, 'subscribe'));
  } else {
    parts.push(p(say(view.snoozedUntil ? t.stateSnoozed : t.stateSubscribed)));
    if (view.snoozedUntil) parts.push(button('', t.resumeButton, 'subscribe'));
    parts.push(button('', t.unsubscribe, 'unsubscribe', true), p(t.snoozeHeading));
    const snooze = [
      ['snooze-week', t.snoozeWeek],
      ['snooze-month', t.snoozeMonth],
      ['snooze-3-months', t.snoozeQuarter],
    ].map(([field, label]) => button('', label, field, true));
    parts.push(`<div class="row">${snooze.join('')}</div>`);
  }
  return layout(lang, t.manageTitle, view.projectName, parts.join(''));
}
