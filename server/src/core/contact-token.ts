import { createHmac } from 'node:crypto';
import { safeEqual } from './crypto.js';
import { deriveKey } from './signed-token.js';

// The token in a contact's hosted-page links (unsubscribe, subscribe, manage) and in the `mailto:`
// unsubscribe address `unsubscribe+<token>@<host>`. It names the contact (whose row names its
// project) and is signed, so contact ids are never exposed raw and a token cannot be forged or altered.
//
// Layout: version byte | contact id (16 bytes) | HMAC-SHA256 (first 14 bytes, 112 bits) under a key
// derived for this purpose — 31 bytes, written as 50 characters of lowercase base32. Base32 because the
// token also travels as an email local part: it must fit the 64-octet limit with its "unsubscribe+"
// prefix, and survive systems that change the case of addresses. No expiry: mail is read for years.

const VERSION = 1;
const MAC_BYTES = 14;
const PAYLOAD_BYTES = 17;
const TOKEN_CHARS = Math.ceil(((PAYLOAD_BYTES + MAC_BYTES) * 8) / 5);
const PURPOSE = 'contact-link';

const keys = new WeakMap<Buffer, Buffer>();
function keyFor(masterKey: Buffer): Buffer {
  let key = keys.get(masterKey);
  if (!key) keys.set(masterKey, (key = deriveKey(masterKey, PURPOSE)));
  return key;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + ALPHABET[(acc << (5 - bits)) & 31] : out;
}

/** null unless `text` is canonical unpadded base32 (one spelling per token, up to letter case). */
function fromBase32(text: string): Buffer | null {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text.toLowerCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return bits < 5 && (acc & ((1 << bits) - 1)) === 0 ? Buffer.from(out) : null;
}

const macOf = (masterKey: Buffer, payload: Buffer) => createHmac('sha256', keyFor(masterKey)).update(payload).digest().subarray(0, MAC_BYTES);

export function contactToken(masterKey: Buffer, contactId: string): string {
  const payload = Buffer.concat([Buffer.from([VERSION]), Buffer.from(contactId.replace(/-/g, ''), 'hex')]);
  if (payload.length !== PAYLOAD_BYTES) throw new Error('contactToken: contactId must be a UUID');
  return base32(Buffer.concat([payload, macOf(masterKey, payload)]));
}

/** The contact id a token names; null for anything malformed, truncated or altered (constant-time check). */
export function readContactToken(masterKey: Buffer, token: string): string | null {
  if (typeof token !== 'string' || token.length !== TOKEN_CHARS) return null;
  const raw = fromBase32(token);
  if (!raw || raw.length !== PAYLOAD_BYTES + MAC_BYTES || raw[0] !== VERSION) return null;
  const payload = raw.subarray(0, PAYLOAD_BYTES);
  if (!safeEqual(raw.subarray(PAYLOAD_BYTES), macOf(masterKey, payload))) return null;
  const h = payload.subarray(1).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
