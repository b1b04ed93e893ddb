import { createHmac, randomBytes } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com) signing: the secret is `whsec_` + base64 of
// random bytes; the key is those bytes. Each signature is `v1,` + base64(HMAC-SHA256(key,
// `${webhook-id}.${webhook-timestamp}.${body}`)); several are joined with a space (secret rotation).

export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** `msg_` + 22 base64url characters (128 random bits): the `webhook-id`, stable across retries and replays. */
export function newMessageId(): string {
  return 'msg_' + randomBytes(16).toString('base64url');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/** The three Standard Webhooks headers plus the content type; one signature per secret. */
export function signedHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Mailwright-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signatureOf(s, id, timestamp, body)).join(' '),
  };
}
