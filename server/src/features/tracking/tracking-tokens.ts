import { deriveKey, openToken, signToken } from '../../core/signed-token.js';

// Open and click tokens. Opens carry the email id; clicks carry the email id and the exact URL we
// rewrote, signed, so the redirect goes only to links we created (no open redirect, no link table).

const keys = new WeakMap<Buffer, { open: Buffer; click: Buffer }>();

function keysFor(masterKey: Buffer) {
  let k = keys.get(masterKey);
  if (!k) {
    k = { open: deriveKey(masterKey, 'tracking-open'), click: deriveKey(masterKey, 'tracking-click') };
    keys.set(masterKey, k);
  }
  return k;
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');

function uuidOf(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function openTokenFor(masterKey: Buffer, emailId: string): string {
  return signToken(keysFor(masterKey).open, uuidBytes(emailId));
}

export function clickTokenFor(masterKey: Buffer, emailId: string, url: string): string {
  return signToken(keysFor(masterKey).click, Buffer.concat([uuidBytes(emailId), Buffer.from(url, 'utf8')]));
}

export function readOpenToken(masterKey: Buffer, token: string): { emailId: string } | null {
  const payload = openToken(keysFor(masterKey).open, token);
  return payload && payload.length === 16 ? { emailId: uuidOf(payload) } : null;
}

export function readClickToken(masterKey: Buffer, token: string): { emailId: string; url: string } | null {
  const payload = openToken(keysFor(masterKey).click, token);
  if (!payload || payload.length <= 16) return null;
  return { emailId: uuidOf(payload.subarray(0, 16)), url: payload.subarray(16).toString('utf8') };
}
