import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { validationError } from '../../core/errors.js';

/** The prefix of the return-path (MAIL FROM) host: `mw-bounces.<domain>`. */
export const RETURN_PATH_LABEL = 'mw-bounces';

// Special-use and never-public names (RFC 2606, 6761, 6762, 8375, 9476 and common private TLDs).
const PRIVATE_TLDS = new Set(['localhost', 'local', 'localdomain', 'test', 'example', 'invalid', 'internal', 'intranet', 'lan', 'home', 'corp', 'private', 'arpa', 'onion', 'alt']);
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_LENGTH = 253 - RETURN_PATH_LABEL.length - 1;

const invalid = (message: string) => validationError([{ field: 'domain', code: 'invalid_domain', message }], message);

/**
 * Lowercases, converts an IDN to punycode and drops one trailing dot, then refuses what cannot be a
 * public sending domain: IP addresses, single labels, private TLDs, malformed labels.
 */
export function normalizeSendingDomain(input: string): string {
  const raw = input.trim().toLowerCase().replace(/\.$/, '');
  if (!raw) throw invalid('Domain is required, e.g. "example.com"');
  if (/[\s@/:*]/.test(raw) || raw.includes('..')) throw invalid(`"${input}" is not a domain name: give the bare domain, e.g. "example.com"`);
  if (isIP(raw)) throw invalid('An IP address cannot be a sending domain: give a domain name');
  const ascii = domainToASCII(raw);
  if (!ascii) throw invalid(`"${input}" is not a valid domain name`);
  if (ascii.length > MAX_LENGTH) throw invalid(`Domain is too long (at most ${MAX_LENGTH} characters)`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw invalid(`"${input}" is not a public domain: it needs at least one dot, e.g. "example.com"`);
  if (!labels.every((l) => LABEL.test(l))) throw invalid(`"${input}" has an invalid label: letters, digits and inner hyphens only`);
  const tld = labels.at(-1)!;
  if (!/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld) || PRIVATE_TLDS.has(tld)) {
    throw invalid(`"${input}" is not a public domain: ".${tld}" is not a public top-level domain`);
  }
  return ascii;
}

/** The domain part of an address, lowercased and in punycode (as domains are stored). */
export function domainOfAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const host = address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  return domainToASCII(host) || host;
}

/** `news.example.com` → [`news.example.com`, `example.com`]: the names a verified domain may cover. */
export function candidateDomains(host: string): string[] {
  const labels = host.split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}
