import type { OutgoingMessage, Transport } from './transport.js';

/** Dev Inbox: keeps the full MIME message in the database instead of delivering it. */
export function createInboxTransport(store: (message: OutgoingMessage) => Promise<void>): Transport {
  return {
    name: 'inbox',
    async send(message) {
      await store(message);
      return { response: 'stored in Dev Inbox' };
    },
    async close() {},
  };
}
