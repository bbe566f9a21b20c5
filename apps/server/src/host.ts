/** What a request's host names, before any database lookup. */
export type HostMatch =
  | { kind: 'platform'; host: string }
  | { kind: 'subdomain'; host: string; slug: string }
  | { kind: 'custom'; host: string }
  | { kind: 'unknown'; host: string | null };

export interface HostConfig {
  platformDomain: string;
}

export const SLUG = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Lower-cases a Host header value and strips its port and any trailing dot. Returns null for
 * anything that is not a DNS name (IP literals, userinfo, empty labels, odd characters).
 */
export function normaliseHost(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[')) return null; // IPv6 literal: never a tenant
  const colon = host.lastIndexOf(':');
  if (colon !== -1) {
    const port = host.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port)) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > 253) return null;
  const labels = host.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  if (labels.every((label) => /^\d+$/.test(label))) return null; // IPv4 literal
  return host;
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
