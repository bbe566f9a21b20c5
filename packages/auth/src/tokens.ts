import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes (160 bits), as the Lucia guide recommends, in URL- and cookie-safe base32. */
export const TOKEN_BYTES = 20;

export function generateToken(bytes = TOKEN_BYTES): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** What is stored for a token: its SHA-256, hex. A leaked database yields no usable token. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Tokens are base32 of 20+ bytes: anything else is not worth a database round trip. */
export function looksLikeToken(value: string | undefined | null): value is string {
  return typeof value === 'string' && /^[a-z2-7]{32,128}$/.test(value);
}
