import { PASSWORD_MAX_LENGTH } from '@foyer/auth';
import { z } from 'zod';

export const SLUG = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

/** Addresses that name the platform's own hosts and services, or could be mistaken for them. */
export const RESERVED_SLUGS = new Set([
  'www',
  'app',
  'admin',
  'api',
  'mail',
  'email',
  'smtp',
  'imap',
  'pop',
  'ftp',
  'operator',
  'operators',
  'static',
  'assets',
  'cdn',
  'files',
  'media',
  'img',
  'images',
  'status',
  'help',
  'support',
  'docs',
  'blog',
  'login',
  'signin',
  'signup',
  'register',
  'auth',
  'oauth',
  'sso',
  'account',
  'accounts',
  'billing',
  'pay',
  'payments',
  'webhooks',
  'events',
  'dashboard',
  'portal',
  'platform',
  'foyer',
  'system',
  'root',
  'localhost',
  'test',
  'dev',
  'staging',
  'internal',
  'security',
  'abuse',
  'postmaster',
  'hostmaster',
  'webmaster',
  'noreply',
  'no-reply',
  'tls',
  'dns',
  'ns1',
  'ns2',
  'mx',
  // Names that mail clients, browsers and resolvers look up by convention under any domain: a
  // workspace on one would be asked for (and could answer) its neighbours' configuration.
  'autodiscover',
  'autoconfig',
  'wpad',
  'isatap',
  'mta-sts',
  'lyncdiscover',
  'enterpriseregistration',
  'enterpriseenrollment',
  'msoid',
  'sip',
  'webmail',
  'pop3',
  'imap4',
  'smtp-relay',
  'relay',
  'mx1',
  'mx2',
  'ns',
  'ns3',
  'ns4',
  'dmarc',
  'dkim',
  'spf',
  'bimi',
  'acme',
  'acme-challenge',
  'well-known',
  'ldap',
  'vpn',
  'proxy',
  'cpanel',
  'whm',
  'webdisk',
  'sftp',
  'mail-in',
  'exchange',
  'owa',
]);

/** Why a workspace address cannot be used (before asking the database), or null. */
export function slugProblem(slug: string): string | null {
  if (slug.length < 3) return 'Use at least 3 characters.';
  if (slug.length > 40) return 'Use at most 40 characters.';
  if (!SLUG.test(slug))
    return 'Use lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  if (slug.includes('--')) return 'Don’t use two dashes in a row.';
  if (RESERVED_SLUGS.has(slug)) return 'This address is reserved. Choose another.';
  return null;
}

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
