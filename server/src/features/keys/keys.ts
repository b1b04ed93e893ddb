import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { base62, decrypt, encrypt, sha256 } from '../../core/crypto.js';

// Key format: <kind>_<43 base62 chars of 32 random bytes><6 base62 chars of CRC32(prefix+body)>.
// The checksum lets us reject a mistyped or truncated key without touching the database.

export type KeyKind = 'public' | 'secret';
const PREFIX: Record<KeyKind, string> = { public: 'pk_', secret: 'sk_' };
const BODY_LEN = 43;
const CHECK_LEN = 6;
const KEY_RE = /^(pk|sk)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** base62 of the CRC32, 6 digits. Plain number arithmetic (a CRC fits): this runs on every API request. */
function checksum(prefixAndBody: string): string {
  let n = crc32(prefixAndBody) >>> 0;
  let out = '';
  for (let i = 0; i < CHECK_LEN; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function generateKey(kind: KeyKind): string {
  const head = PREFIX[kind] + base62(randomBytes(32), BODY_LEN);
  return head + checksum(head);
}

export interface ParsedKey {
  kind: KeyKind;
  hash: Buffer;
}

/** Returns null for anything that is not a well-formed key with a valid checksum. */
export function parseKey(candidate: string): ParsedKey | null {
  const m = KEY_RE.exec(candidate);
  if (!m) return null;
  const head = `${m[1]}_${m[2]}`;
  if (checksum(head) !== m[3]) return null;
  return { kind: m[1] === 'pk' ? 'public' : 'secret', hash: sha256(candidate) };
}

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

/** What the projects table stores for a pair: hashes for lookup, ciphertext for display to members. */
export interface StoredKeyPair {
  publicKeyHash: Buffer;
  secretKeyHash: Buffer;
  publicKeyEncrypted: string;
  secretKeyEncrypted: string;
}

export function newKeyPair(masterKey: Buffer): { pair: KeyPair; stored: StoredKeyPair } {
  const pair = { publicKey: generateKey('public'), secretKey: generateKey('secret') };
  return {
    pair,
    stored: {
      publicKeyHash: sha256(pair.publicKey),
      secretKeyHash: sha256(pair.secretKey),
      publicKeyEncrypted: encrypt(pair.publicKey, masterKey),
      secretKeyEncrypted: encrypt(pair.secretKey, masterKey),
    },
  };
}

export function revealKeyPair(stored: Pick<StoredKeyPair, 'publicKeyEncrypted' | 'secretKeyEncrypted'>, masterKey: Buffer): KeyPair {
  return {
    publicKey: decrypt(stored.publicKeyEncrypted, masterKey),
    secretKey: decrypt(stored.secretKeyEncrypted, masterKey),
  };
}

/** Anything shaped like one of our keys, for log and output redaction. */
export const KEY_PATTERN = /\b(pk|sk)_[0-9A-Za-z]{8,}/g;

export function redactKeys(text: string): string {
  return text.replace(KEY_PATTERN, (_m, kind: string) => `${kind}_[REDACTED]`);
}
