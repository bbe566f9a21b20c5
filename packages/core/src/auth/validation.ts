import { PASSWORD_MAX_LENGTH } from '@foyer/auth';
import { z } from 'zod';

// The slug rule lives in @foyer/names, shared with the server's host matching and the manifest.
export { RESERVED_SLUGS, SLUG, slugProblem } from '@foyer/names';

/** The longest address SMTP carries (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;

/**
 * Sign-in input no account can have: an address or password longer than any stored one. Refused
 * before any work, since the address becomes part of a throttle key (an index entry) and a huge
 * password would be hashed in full.
 */
export const beyondAnyAccount = (email: string, password: string) =>
  email.length > EMAIL_MAX_LENGTH || password.length > PASSWORD_MAX_LENGTH;

export const emailSchema = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH, `Use at most ${EMAIL_MAX_LENGTH} characters.`)
  .pipe(z.email('Enter a valid email address.'));

export const nameSchema = (what: string) =>
  z.string().trim().min(1, `Enter ${what}.`).max(120, 'Use at most 120 characters.');

/** Passwords are never trimmed; the policy itself lives in @foyer/auth. */
export const passwordInput = z
  .string()
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

/** Field -> first message, from a zod error. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'form';
    fields[key] ??= issue.message;
  }
  return fields;
}
