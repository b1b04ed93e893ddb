// System event names are emitted by Mailwright itself and cannot be tracked through the API.

export const SYSTEM_EVENT_ALIASES: Record<string, string> = {
  'email.open': 'email.opened',
  'email.click': 'email.clicked',
  'email.delivery': 'email.delivered',
  'email.bounce': 'email.bounced',
  'email.complaint': 'email.complained',
};

export function isReservedEventName(name: string): boolean {
  return (
    name.startsWith('email.') ||
    name.startsWith('webhook.') ||
    name === 'contact.subscribed' ||
    name === 'contact.unsubscribed' ||
    /^segment\..+\.(entry|exit)$/.test(name)
  );
}
