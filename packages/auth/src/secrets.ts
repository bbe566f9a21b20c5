import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Secrets a tenant gives us (an SMTP password, gateway credentials) are sealed at rest with
 * FOYER_SECRET_KEY: AES-256-GCM, a fresh 96-bit IV per value, and the purpose as associated data
 * so a value sealed for one use cannot be replayed into another. Stored as `v1:<base64>` of
 * IV ‖ tag ‖ ciphertext.
 */
export interface SecretBox {
  seal(plaintext: string, purpose: string): string;
  /** Null when the value was not sealed with this key for this purpose (or was tampered with). */
  open(sealed: string, purpose: string): string | null;
  /**
   * HMAC-SHA256 of `message` for `purpose` (base64url), under a key derived from the secret key,
   * so values we sign and hand out (device cookies) cannot be forged without FOYER_SECRET_KEY.
   */
  mac(message: string, purpose: string): string;
  /** Whether `tag` is `mac(message, purpose)`, compared in constant time. */
  verifyMac(message: string, purpose: string, tag: string): boolean;
}

const VERSION = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Parses FOYER_SECRET_KEY: 32 bytes as 64 hex characters or base64 (url-safe or not). */
export function parseSecretKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : null;
  }
  return null;
}

/**
 * A key for one purpose (`'file-links'`, …) derived from FOYER_SECRET_KEY with HKDF-SHA256, so
 * the raw key is never used directly outside the secret box and no two uses share a key.
 */
export function deriveKey(key: Uint8Array, purpose: string): Buffer {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  if (!/^[a-z0-9-]+$/.test(purpose)) throw new Error('a key purpose is lower-case words joined by dashes');
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `foyer derived key v1\0${purpose}`, 32));
}

/** A new random key in the form `parseSecretKey` reads. */
export const generateSecretKey = () => randomBytes(32).toString('base64url');

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  const k = Buffer.from(key);
  // A separate key for signing, so one key is never used by two algorithms.
  const macKey = Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), 'foyer mac v1', 32));
  const mac = (message: string, purpose: string) =>
    createHmac('sha256', macKey).update(`${purpose}\0${message}`, 'utf8').digest('base64url');
  return {
    mac,
    verifyMac(message, purpose, tag) {
      const expected = Buffer.from(mac(message, purpose), 'utf8');
      const given = Buffer.from(tag, 'utf8');
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
    seal(plaintext, purpose) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, purpose) {
      if (!sealed.startsWith(VERSION)) return null;
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
