import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** One DNS label: letters, digits and inner hyphens, 1 to 63 characters (RFC 1123). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * What a typed name may hold before conversion: letters and digits of any script, combining marks,
 * hyphens and dots (with the ideographic full stops IDNA treats as dots). `domainToASCII` parses
 * like a URL host and would keep `a` of `a/b`, so everything else is refused first.
 */
const TYPED_NAME = /^[\p{L}\p{M}\p{N}.\-\u3002\uFF0E\uFF61]+$/u;

/** The longest name DNS carries, without the trailing dot. */
export const HOSTNAME_MAX_LENGTH = 253;

/**
 * The one hostname rule, for every name Foyer compares or looks up (a request's Host, an agency's
 * custom domain, its sending domain, an SMTP host, DNS answers): trimmed, one trailing dot
 * dropped, internationalised names in their ASCII (punycode) form, lower-case, and a DNS name:
 * labels of letters, digits and inner hyphens, at most 253 characters, and a last label that is
 * not all digits (so no IPv4 literal passes as a name). Anything else is null, IP literals and
 * ports included; callers that accept those (an SMTP host, a Host header) take them off first.
 */
export function normaliseHostname(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let name = raw.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || name.length > HOSTNAME_MAX_LENGTH * 4 || isIP(name) !== 0) return null;
  if (!TYPED_NAME.test(name)) return null;
  // `domainToASCII` lower-cases, maps full-width dots and the like, and answers '' when invalid.
  const ascii = domainToASCII(name);
  if (ascii === '' || ascii.length > HOSTNAME_MAX_LENGTH) return null;
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null;
  return ascii;
}

/**
 * A Host header's name and port: `example.com:8080` → `{ hostname: 'example.com', port: '8080' }`.
 * IPv6 literals (`[::1]:3000`) and malformed ports give null: they never name a tenant.
 */
export function splitHostHeader(
  raw: string | null | undefined,
): { hostname: string; port: string | null } | null {
  if (!raw) return null;
  const value = raw.trim();
  if (value.startsWith('[')) return null;
  const colon = value.lastIndexOf(':');
  if (colon === -1) return { hostname: value, port: null };
  const port = value.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port)) return null;
  return { hostname: value.slice(0, colon), port };
}

/** Whether `hostname` is `domain` itself or a name under it (both normalised). */
export function isWithin(hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`);
}
