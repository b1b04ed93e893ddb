import { createHmac } from 'node:crypto';
import { safeEqual } from '../../core/crypto.js';
import { isUuid } from '../../core/ids.js';

// VERP (variable envelope return path): each message's MAIL FROM is `bounces+<token>@<return-path host>`,
// so a bounce names the email it is about. The token is the email id plus a MAC, both lowercase hex:
// relays may change the case of a local part, and hex survives that. 32 + 16 characters keep the local
// part (with `bounces+`) at 56, under the 64 that RFC 5321 allows.

export const BOUNCES_PREFIX = 'bounces+';
const MAC_BYTES = 8;

const macOf = (key: Buffer, emailId: string) => createHmac('sha256', key).update(`mailwright:verp\n${emailId}`).digest().subarray(0, MAC_BYTES);

export function verpToken(key: Buffer, emailId: string): string {
  return emailId.replaceAll('-', '').toLowerCase() + macOf(key, emailId.toLowerCase()).toString('hex');
}

export function verpAddress(key: Buffer, emailId: string, host: string): string {
  return `${BOUNCES_PREFIX}${verpToken(key, emailId)}@${host}`;
}

/** The email id a VERP token names, or null when the token is malformed or its MAC does not match. */
export function emailIdFromVerpToken(key: Buffer, token: string): string | null {
  const t = token.trim().toLowerCase();
  if (!/^[0-9a-f]{48}$/.test(t)) return null;
  const hex = t.slice(0, 32);
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  if (!isUuid(id)) return null;
  return safeEqual(Buffer.from(t.slice(32), 'hex'), macOf(key, id)) ? id : null;
}

/** Splits `local+tag@host` into its prefix (`bounces`, `unsubscribe`) and tag; null for other addresses. */
export function taggedLocalPart(address: string): { prefix: string; tag: string } | null {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const plus = local.indexOf('+');
  if (plus <= 0) return null;
  return { prefix: local.slice(0, plus).toLowerCase(), tag: local.slice(plus + 1) };
}
