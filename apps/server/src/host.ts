import { normaliseHostname, SLUG, splitHostHeader } from '@foyer/names';

/** What a request's host names, before any database lookup. */
export type HostMatch =
  | { kind: 'platform'; host: string }
  | { kind: 'subdomain'; host: string; slug: string }
  | { kind: 'custom'; host: string }
  | { kind: 'unknown'; host: string | null };

export interface HostConfig {
  platformDomain: string;
}

/**
 * A Host header's name: port and one trailing dot dropped, lower-case, and a DNS name by the one
 * hostname rule (`@foyer/names`). Null for anything else: IP literals, userinfo, odd characters.
 */
export function normaliseHost(raw: string | null | undefined): string | null {
  const split = splitHostHeader(raw);
  return split ? normaliseHostname(split.hostname) : null;
}

/** Host header -> what it names. Pure: the tenant lookup is a separate, cached step. */
export function resolveHost(raw: string | null | undefined, config: HostConfig): HostMatch {
  const host = normaliseHost(raw);
  if (!host) return { kind: 'unknown', host: null };
  const platform = config.platformDomain;
  if (host === platform) return { kind: 'platform', host };
  const suffix = `.${platform}`;
  if (host.endsWith(suffix)) {
    const label = host.slice(0, -suffix.length);
    // One label only: `a.b.<platform>` names nothing.
    return SLUG.test(label) ? { kind: 'subdomain', host, slug: label } : { kind: 'unknown', host };
  }
  // A custom domain must have at least two labels (`localhost`-like names are never routed).
  return host.includes('.') ? { kind: 'custom', host } : { kind: 'unknown', host };
}
