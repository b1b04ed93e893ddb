import type { Db } from '../../db/client.js';

/**
 * Unsubscribes the contact a signed unsubscribe token names (one-click POST, hosted page, or a
 * `mailto:` unsubscribe received by the MX listener). Idempotent; an unknown or tampered token changes
 * nothing. (stub: the hosted-pages helper implements it)
 */
export async function unsubscribeByToken(_db: Db, _masterKey: Buffer, _token: string, _source: string): Promise<'unsubscribed' | 'already' | 'invalid'> {
  return 'invalid';
}
