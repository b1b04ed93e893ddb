import { createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { decrypt, encrypt } from '../../core/crypto.js';

const generate = promisify(generateKeyPair);

export interface NewDkimKey {
  /** Base64 DER SubjectPublicKeyInfo: the `p=` of the DKIM record. */
  publicKey: string;
  /** PKCS#8 PEM, AES-256-GCM encrypted with the master key. */
  privateKeyEncrypted: string;
}

/** RSA-2048 (RFC 8301: ≥ 1024 required, 2048 recommended), generated off the event loop. */
export async function generateDkimKey(masterKey: Buffer): Promise<NewDkimKey> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: publicKey.toString('base64'), privateKeyEncrypted: encrypt(privateKey, masterKey) };
}

/** `mw<yyyymm><6 random>`: dated so a later key rotation gets a new selector, random so projects never collide. */
export function newSelector(now: Date): string {
  const month = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
  return `mw${month}${random}`;
}

// Decrypting and parsing a PEM for every message adds up at campaign volume: keep parsed keys briefly.
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 1000;
const cache = new Map<string, { key: KeyObject; until: number }>();

/** The parsed private key of a domain row, cached per process for a few minutes. */
export function dkimPrivateKey(row: { id: string; selector: string; dkimPrivateKeyEncrypted: string }, masterKey: Buffer): KeyObject {
  const cacheKey = `${row.id}:${row.selector}`;
  const hit = cache.get(cacheKey);
  const now = Date.now();
  if (hit && hit.until > now) return hit.key;
  const key = createPrivateKey(decrypt(row.dkimPrivateKeyEncrypted, masterKey));
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, { key, until: now + CACHE_TTL_MS });
  return key;
}
