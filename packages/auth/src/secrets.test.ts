import { describe, expect, it } from 'vitest';
import { createSecretBox, generateSecretKey, parseSecretKey } from './secrets';

const key = () => {
  const parsed = parseSecretKey(generateSecretKey());
  if (!parsed) throw new Error('generated key did not parse');
  return parsed;
};

describe('secret box', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = createSecretBox(key());
    const sealed = box.seal('smtp-pässword', 'smtp');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('smtp-p');
    expect(box.open(sealed, 'smtp')).toBe('smtp-pässword');
  });

  it('uses a fresh IV each time', () => {
    const box = createSecretBox(key());
    expect(box.seal('same', 'smtp')).not.toBe(box.seal('same', 'smtp'));
  });

  it('refuses another key, another purpose, and tampering', () => {
    const box = createSecretBox(key());
    const sealed = box.seal('secret', 'smtp');
    expect(createSecretBox(key()).open(sealed, 'smtp')).toBeNull();
    expect(box.open(sealed, 'stripe')).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(box.open(`v1:${raw.toString('base64')}`, 'smtp')).toBeNull();
    expect(box.open('plain', 'smtp')).toBeNull();
  });

  it('reads hex and base64 keys of 32 bytes only', () => {
    expect(parseSecretKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(parseSecretKey('too-short')).toBeNull();
    expect(parseSecretKey('ab'.repeat(16))).toBeNull();
  });

  it('signs with a key of its own: a tag is bound to key, purpose and message', () => {
    const box = createSecretBox(key());
    const tag = box.mac('nonce-1', 'device');
    expect(tag).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(box.verifyMac('nonce-1', 'device', tag)).toBe(true);
    expect(box.verifyMac('nonce-2', 'device', tag)).toBe(false);
    expect(box.verifyMac('nonce-1', 'other', tag)).toBe(false);
    expect(box.verifyMac('nonce-1', 'device', tag.slice(1))).toBe(false);
    expect(createSecretBox(key()).verifyMac('nonce-1', 'device', tag)).toBe(false);
  });
});
