import type { SignedInUser } from '@foyer/core';

// Any base works: it only has to be an origin that a relative path cannot escape unnoticed.
const PROBE = 'http://probe.invalid';

/**
 * The `next` parameter of the sign-in page, if it names a path on this host; null otherwise.
 * Decided by the URL parser, never by pattern: `next` is resolved against an origin, accepted
 * only if the origin is unchanged, and what is sent on is the parser's normalised path, which
 * must itself still be a path on this host. `/.//evil.example` normalises to `//evil.example`,
 * a link to another host: refused, like `https://…`, `/\evil`, `javascript:` and the rest.
 */
export function safeNext(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048 || !raw.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(raw, PROBE);
  } catch {
    return null;
  }
  if (url.origin !== PROBE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A Location header is read again by the browser: the path must survive that reading too.
  if (path.startsWith('//') || new URL(path, PROBE).origin !== PROBE) return null;
  return path;
}

/** Where a person lands after signing in: the team panel for the team, the portal for clients. */
export function homeFor(role: SignedInUser['role']): '/admin' | '/' {
  return role === 'client' ? '/' : '/admin';
}

/** Where to send someone who just signed in, honouring a safe `next`. */
export function afterSignIn(role: SignedInUser['role'], next: string | null | undefined): string {
  return safeNext(next) ?? homeFor(role);
}

/** `/login?next=<this page>`, so signing in returns to where the person was going. */
export function loginUrl(url: URL): string {
  const here = `${url.pathname}${url.search}`;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}
