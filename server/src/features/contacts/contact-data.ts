import { validationError } from '../../core/errors.js';

// Contact data merge rules (Plunk-compatible):
// - incoming keys merge over existing ones; `null` deletes a key; `""` never overwrites;
// - `{ value, persistent: false }` is used for this request only, never stored;
// - reserved keys are dropped silently; `locale` must be a string.

export const RESERVED_DATA_KEYS = new Set(['id', 'plunk_id', 'plunk_email', 'email', 'unsubscribeUrl', 'subscribeUrl', 'manageUrl']);

export type ContactData = Record<string, unknown>;

export interface SplitData {
  /** Key → value to persist, or `null` to delete the key (merged over stored data, see db/contact-upsert.ts). */
  persistent: Record<string, unknown>;
  /** Values for rendering this request only. */
  temporary: Record<string, unknown>;
}

function isWrapped(v: unknown): v is { value: unknown; persistent?: boolean } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return 'value' in v && 'persistent' in v && keys.every((k) => k === 'value' || k === 'persistent');
}

export function splitIncomingData(incoming: ContactData | null | undefined, fieldPrefix = 'data'): SplitData {
  const persistent: Record<string, unknown> = {};
  const temporary: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(incoming ?? {})) {
    if (RESERVED_DATA_KEYS.has(key)) continue;
    if (isWrapped(raw)) {
      if (raw.persistent === false) temporary[key] = raw.value;
      else if (raw.value !== '') persistent[key] = raw.value;
      continue;
    }
    if (raw === '') continue;
    if (key === 'locale' && raw !== null && typeof raw !== 'string') {
      throw validationError([{ field: `${fieldPrefix}.locale`, message: 'locale must be a string', code: 'invalid_type' }]);
    }
    persistent[key] = raw;
  }
  return { persistent, temporary };
}

/** Persistent changes as the upsert statement takes them: keys to set, keys to delete. */
export function toSetAndUnset(persistent: Record<string, unknown>): { set: Record<string, unknown>; unset: string[] } {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const [key, value] of Object.entries(persistent)) {
    if (value === null) unset.push(key);
    else set[key] = value;
  }
  return { set, unset };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Applies persistent changes to stored data the way the upsert statement does; an empty result is null. */
export function mergeContactData(stored: ContactData | null, persistent: Record<string, unknown>): ContactData | null {
  const { set, unset } = toSetAndUnset(persistent);
  const merged: ContactData = { ...(stored ?? {}) };
  for (const key of unset) delete merged[key];
  Object.assign(merged, set);
  return Object.keys(merged).length ? merged : null;
}
