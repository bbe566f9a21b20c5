import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotp,
  qrSvg,
  totpCode,
  totpStep,
  totpUri,
} from './totp';

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1 key "12345678901234567890", last six digits.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('computes the RFC 6238 test vectors', () => {
    expect(totpCode(rfcSecret, new Date(59_000))).toBe('287082');
    expect(totpCode(rfcSecret, new Date(1_111_111_109_000))).toBe('081804');
  });

  it('matches the current step and one either side, and says which', () => {
    const secret = generateTotpSecret();
    const at = new Date('2026-12-07T12:00:10Z');
    const step = totpStep(at);
    expect(matchTotp(secret, totpCode(secret, at), at)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() - 30_000)), at)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() + 30_000)), at)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, new Date(at.getTime() - 90_000)), at)).toBeNull();
    expect(matchTotp(secret, 'abcdef', at)).toBeNull();
  });

  it('builds an otpauth URI and an SVG QR code', () => {
    const uri = totpUri('Acme Studio', 'ann@example.com', rfcSecret);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Acme%20Studio:ann%40example\.com\?/);
    expect(uri).toContain('issuer=Acme+Studio');
    expect(qrSvg(uri)).toMatch(/^<svg/);
  });

  it('makes ten distinct recovery codes, hashed whatever the case or dashes', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
    }
    const first = codes[0] ?? '';
    expect(hashRecoveryCode(first.toUpperCase().replace(/-/g, ''))).toBe(hashRecoveryCode(first));
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });
});
