import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, looksLikeToken } from './tokens';

describe('tokens', () => {
  it('carry at least 160 random bits in lower-case base32', () => {
    const token = generateToken();
    expect(token).toMatch(/^[a-z2-7]{32}$/); // 20 bytes -> 32 base32 characters
    const many = new Set(Array.from({ length: 1000 }, () => generateToken()));
    expect(many.size).toBe(1000);
  });

  it('are stored as their SHA-256 in hex', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).not.toContain(token);
  });

  it('are recognised by shape before any lookup', () => {
    expect(looksLikeToken(generateToken())).toBe(true);
    for (const bad of ['', 'short', 'UPPERCASE'.repeat(5), `${'a'.repeat(31)}!`, undefined, null]) {
      expect(looksLikeToken(bad)).toBe(false);
    }
  });
});
