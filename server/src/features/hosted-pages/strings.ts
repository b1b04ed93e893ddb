// Every word the hosted pages and the marketing footer show, per language (projects.language). A new
// language is one more entry in STRINGS; anything missing falls back to English. `{name}` placeholders
// are filled by `fill` with values that are escaped by the caller where HTML is produced.

export interface HostedStrings {
  /** The footer of marketing mail. */
  footerReason: string;
  footerNoAddress: string;
  unsubscribe: string;
  managePreferences: string;
  /** Page titles and texts. */
  invalidTitle: string;
  invalidText: string;
  confirmTitle: string;
  confirmText: string;
  confirmButton: string;
  unsubscribedTitle: string;
  unsubscribedText: string;
  subscribeTitle: string;
  subscribeText: string;
  subscribeButton: string;
  subscribedTitle: string;
  subscribedText: string;
  manageTitle: string;
  stateSubscribed: string;
  stateUnsubscribed: string;
  stateSnoozed: string;
  resubscribeButton: string;
  resumeButton: string;
  snoozeHeading: string;
  snoozeWeek: string;
  snoozeMonth: string;
  snoozeQuarter: string;
  manageLink: string;
}

const en: HostedStrings = {
  footerReason: 'You are receiving this email from {project}.',
  footerNoAddress: 'Sent by {project}.',
  unsubscribe: 'Unsubscribe',
  managePreferences: 'Manage preferences',
  invalidTitle: 'Link not recognised',
  invalidText: 'This link is incomplete or no longer valid, so nothing was changed. If you copied it from an email, make sure you copied all of it.',
  confirmTitle: 'Unsubscribe',
  confirmText: 'Stop receiving marketing email from {project} at {email}?',
  confirmButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedText: '{email} will no longer receive marketing email from {project}. Messages you ask for, such as receipts or password resets, still arrive.',
  subscribeTitle: 'Subscribe',
  subscribeText: 'Receive marketing email from {project} at {email} again?',
  subscribeButton: 'Subscribe',
  subscribedTitle: 'You are subscribed',
  subscribedText: '{email} will receive marketing email from {project}.',
  manageTitle: 'Email preferences',
  stateSubscribed: '{email} is subscribed to marketing email from {project}.',
  stateUnsubscribed: '{email} is unsubscribed from marketing email from {project}.',
  stateSnoozed: 'Marketing email to {email} is paused until {until}.',
  resubscribeButton: 'Subscribe again',
  resumeButton: 'Resume now',
  snoozeHeading: 'Need a break? Pause marketing email for a while:',
  snoozeWeek: '1 week',
  snoozeMonth: '1 month',
  snoozeQuarter: '3 months',
  manageLink: 'Manage your email preferences',
};

const STRINGS: Record<string, Partial<HostedStrings>> = { en };

/** Strings for a language tag such as `en`, `en-GB` or `pt-BR`; English fills any gaps. */
export function stringsFor(language: string | null | undefined): { lang: string; t: HostedStrings } {
  const tag = (language ?? 'en').trim().toLowerCase();
  const lang = STRINGS[tag] ? tag : STRINGS[tag.split('-')[0]] ? tag.split('-')[0] : 'en';
  return { lang, t: { ...en, ...STRINGS[lang] } };
}

/** Fills `{name}` placeholders; unknown names stay as they are. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => values[name] ?? m);
}

/** A date in the page's language, without time (snooze ends). */
export function formatDate(lang: string, date: Date): string {
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(date);
}
