import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contactToken, readContactToken } from './contact-token.js';

const key = randomBytes(32);
const id = randomUUID();

describe('contact link tokens', () => {
  it('name the contact, fit an email local part with "unsubscribe+", and survive a change of case', () => {
    const token = contactToken(key, id);
    expect(token).toMatch(/^[a-z2-7]{50}$/);
    expect(`unsubscribe+${token}`.length).toBeLessThanOrEqual(64);
    expect(readContactToken(key, token)).toBe(id);
    expect(readContactToken(key, token.toUpperCase())).toBe(id);
    expect(contactToken(key, id)).toBe(token); // deterministic: rendering twice gives the same links
  });

  it('refuse any altered character, a truncated or extended token, and another key', () => {
    const token = contactToken(key, id);
    for (let i = 0; i < token.length; i++) {
      const altered = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      expect(readContactToken(key, altered), `position ${i}`).toBeNull();
    }
    for (const bad of [token.slice(0, -1), `${token}a`, '', id, '!'.repeat(50)]) expect(readContactToken(key, bad)).toBeNull();
    expect(readContactToken(randomBytes(32), token)).toBeNull();
  });
});
