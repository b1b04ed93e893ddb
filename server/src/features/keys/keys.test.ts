import { describe, expect, it } from 'vitest';
import { generateKey, parseKey, redactKeys } from './keys.js';

describe('API key format', () => {
  it('prefixes public keys with pk_ and secret keys with sk_, with at least 32 random bytes', () => {
    const pk = generateKey('public');
    const sk = generateKey('secret');
    expect(pk).toMatch(/^pk_[0-9A-Za-z]{49}$/);
    expect(sk).toMatch(/^sk_[0-9A-Za-z]{49}$/);
    expect(new Set(Array.from({ length: 50 }, () => generateKey('secret'))).size).toBe(50);
  });

  it('recognises its own keys and their kind', () => {
    expect(parseKey(generateKey('public'))?.kind).toBe('public');
    expect(parseKey(generateKey('secret'))?.kind).toBe('secret');
  });

  it('rejects a key with any single character changed, before any lookup', () => {
    const key = generateKey('secret');
    for (let i = 3; i < key.length; i++) {
      const c = key[i] === 'a' ? 'b' : 'a';
      expect(parseKey(key.slice(0, i) + c + key.slice(i + 1)), `position ${i}`).toBeNull();
    }
  });

  it('rejects a key whose prefix was swapped', () => {
    expect(parseKey('pk_' + generateKey('secret').slice(3))).toBeNull();
  });

  it('redacts anything shaped like a key from text', () => {
    const key = generateKey('secret');
    expect(redactKeys(`Authorization: Bearer ${key} ok`)).toBe('Authorization: Bearer sk_[REDACTED] ok');
  });
});
