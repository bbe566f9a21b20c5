/**
 * The one workspace-address rule (`<slug>.<platform domain>`): 3 to 40 lower-case letters, digits
 * and dashes, starting and ending with a letter or digit. The database checks the same pattern
 * (`platform.tenants` constraint `tenants_slug_format`; a test compares the two).
 */
export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$';
export const SLUG = new RegExp(SLUG_PATTERN);

/** Addresses that name the platform's own hosts and services, or could be mistaken for them. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
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

/** A typed address as it is checked and stored: trimmed and lower-case. */
export const normaliseSlug = (raw: string): string => raw.trim().toLowerCase();

/** Why an address cannot be used for a new workspace (before asking the database), or null. */
export function slugProblem(slug: string): string | null {
  if (slug.length < 3) return 'Use at least 3 characters.';
  if (slug.length > 40) return 'Use at most 40 characters.';
  if (!SLUG.test(slug))
    return 'Use lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  if (slug.includes('--')) return 'Don’t use two dashes in a row.';
  if (RESERVED_SLUGS.has(slug)) return 'This address is reserved. Choose another.';
  return null;
}
