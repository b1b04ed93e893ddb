import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's scrypt floor is N=2^17, r=8, p=1 (128 MiB per hash; config PASSWORD_SCRYPT_LOG_N). The
// parameters are stored in the hash, so they can be raised later without invalidating passwords.
const R = 8;
const P = 1;
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string, logN = 17): Promise<string> {
  const salt = randomBytes(16);
  const n = 2 ** logN;
  const key = await scrypt(password, salt, n, R, P);
  return ['scrypt', n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash || Number(n) > 2 ** 20) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A real hash of a random password, computed once. Unknown emails are checked against it so a
 * login for a missing account costs the same time as a wrong password (no account enumeration).
 */
const dummies = new Map<number, Promise<string>>();
export function dummyPasswordHash(logN: number): Promise<string> {
  if (!dummies.has(logN)) dummies.set(logN, hashPassword(randomBytes(16).toString('hex'), logN));
  return dummies.get(logN)!;
}
