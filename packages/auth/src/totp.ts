import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { renderSVG } from 'uqr';

/**
 * Two-factor sign-in with TOTP (RFC 6238): 30-second steps, 6 digits, a 160-bit key. A code is
 * checked against the current step and one step either side (clock drift); the caller stores the
 * step that matched and refuses any code of that step or an earlier one, so a code works once.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const KEY_BYTES = 20;

/** A new TOTP key, as the base32 text people type into an authenticator app. */
export const generateTotpSecret = (): string => encodeBase32UpperCaseNoPadding(randomBytes(KEY_BYTES));

const keyOf = (secret: string): Uint8Array =>
  decodeBase32IgnorePadding(secret.replace(/\s+/g, '').toUpperCase());

/** The time step of `at`. */
export const totpStep = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);

/** The code an authenticator shows at `at` (tests, and nothing else, need this). */
export const totpCode = (secret: string, at: Date): string =>
  generateHOTP(keyOf(secret), BigInt(totpStep(at)), TOTP_DIGITS);

/** Digits only, spaces and dashes dropped: what people paste from their app. */
export const normaliseCode = (code: string): string => code.replace(/[\s-]/g, '');

/**
 * The step (current, previous or next) whose code `code` is, or null. Each candidate is
 * compared in constant time and all three are always computed.
 */
export function matchTotp(secret: string, code: string, at: Date): number | null {
  const typed = normaliseCode(code);
  if (!/^\d{6}$/.test(typed)) return null;
  const key = keyOf(secret);
  const now = totpStep(at);
  let found: number | null = null;
  for (const step of [now - 1, now, now + 1]) {
    const expected = Buffer.from(generateHOTP(key, BigInt(step), TOTP_DIGITS));
    if (timingSafeEqual(expected, Buffer.from(typed)) && found === null) found = step;
  }
  return found;
}

/** The otpauth:// URI of the QR code: issuer the agency, account the person's email. */
export const totpUri = (issuer: string, account: string, secret: string): string =>
  createTOTPKeyURI(issuer, account, keyOf(secret), TOTP_PERIOD_SECONDS, TOTP_DIGITS);

/** The QR code of `uri` as an SVG document, rendered on the server. */
export const qrSvg = (uri: string): string => renderSVG(uri, { border: 2 });

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * Ten recovery codes, each 12 characters from a 31-letter alphabet (59 bits), shown as
 * `xxxx-xxxx-xxxx`. Their entropy is high enough that a plain SHA-256 is a fitting stored form.
 */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars: string[] = [];
    while (chars.length < 12) {
      const byte = randomBytes(1)[0] ?? 255;
      // 248 = 8 × 31: reject the tail so every letter is equally likely.
      if (byte < 248) chars.push(RECOVERY_ALPHABET[byte % 31] ?? '');
    }
    const text = chars.join('');
    return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8)}`;
  });
}

/** The stored form of a recovery code, whatever case and dashes it was typed with. */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(`foyer-recovery-v1:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`)
    .digest('hex');

/** Whether `code` looks like a recovery code (so a six-digit TOTP code is never taken for one). */
export const looksLikeRecoveryCode = (code: string): boolean =>
  code.toLowerCase().replace(/[\s-]/g, '').length === 12 && /^[a-z0-9\s-]+$/i.test(code);
