import type { SignedInUser } from '@foyer/core';

// Any base works: it only has to be an origin that a relative path cannot escape unnoticed.
const PROBE = 'http://probe.invalid';

/**
 * The `next` parameter of the sign-in page, if it names a path on this host; null otherwise.
 * Anything else (`//evil.example`, `https://…`, `/\evil`, `javascript:`) is an open redirect.
 */
export function safeNext(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  // Browsers read a backslash as a slash and drop tabs and newlines, so "/\evil" is "//evil".
  if (/[\\\s]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, PROBE);
  } catch {
    return null;
  }
  if (url.origin !== PROBE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
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
