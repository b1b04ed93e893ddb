import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from './crypto.js';

// Opaque signed tokens for links that must not be forged: base64url(payload | HMAC-SHA256(payload)[0..16]).
// Each use gets its own key derived from the master key (HKDF with a purpose label), so a token made for
// one purpose never verifies for another and the master key itself never signs anything directly.

const MAC_BYTES = 16;
/** Longer tokens are refused before any work (click tokens carry a URL: keep well above 2 KB URLs). */
const MAX_TOKEN_CHARS = 8192;

/** A 32-byte key for one purpose, derived from the instance master key. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `mailwright:${purpose}`, 32));
}

export function macOf(key: Buffer, payload: Buffer, bytes = MAC_BYTES): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, bytes);
}

/** Signs `payload` with a purpose key (see deriveKey). */
export function signToken(key: Buffer, payload: Buffer): string {
  return Buffer.concat([payload, macOf(key, payload)]).toString('base64url');
}

/** The payload of a token signed with `key`; null for anything malformed, truncated or altered (constant-time check). */
export function openToken(key: Buffer, token: string): Buffer | null {
  if (!token || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // Only the canonical spelling verifies (base64url decoding ignores stray trailing bits).
  if (raw.length <= MAC_BYTES || raw.toString('base64url') !== token) return null;
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  return safeEqual(raw.subarray(raw.length - MAC_BYTES), macOf(key, payload)) ? Buffer.from(payload) : null;
}
