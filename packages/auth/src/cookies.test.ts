import { describe, expect, it } from 'vitest';
import {
  type CookieAttributes,
  clearCookie,
  clearCookieHeader,
  cookieName,
  readCookie,
  setCookie,
  setCookieHeader,
} from './cookies';

const until = new Date('2026-03-01T12:00:00Z');

describe('cookies', () => {
  it('are named per deployment: __Host- on https, bare on http', () => {
    expect(cookieName('session', 'https')).toBe('__Host-foyer_session');
    expect(cookieName('operator', 'https')).toBe('__Host-foyer_operator');
    expect(cookieName('device', 'https')).toBe('__Host-foyer_device');
    expect(cookieName('session', 'http')).toBe('foyer_session');
    expect(cookieName('operator', 'http')).toBe('foyer_operator');
    expect(cookieName('device', 'http')).toBe('foyer_device');
    expect(cookieName('preview', 'https')).toBe('__Host-foyer_preview');
    expect(cookieName('preview', 'http')).toBe('foyer_preview');
  });

  it('are serialised host-only, HttpOnly, Lax, Secure on https', () => {
    expect(setCookieHeader('session', 'https', 'abc234', until)).toBe(
      '__Host-foyer_session=abc234; Path=/; Expires=Sun, 01 Mar 2026 12:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
    expect(setCookieHeader('operator', 'http', 'abc234', until)).toBe(
      'foyer_operator=abc234; Path=/; Expires=Sun, 01 Mar 2026 12:00:00 GMT; HttpOnly; SameSite=Lax',
    );
    expect(clearCookieHeader('session', 'https')).toBe(
      '__Host-foyer_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
    expect(() => setCookieHeader('session', 'http', 'a;b', until)).toThrow();
  });

  it('go through a cookie jar (SvelteKit’s `cookies`) with the same name and attributes', () => {
    const calls: [string, string, string, CookieAttributes][] = [];
    const jar = {
      get: (name: string) => (name === '__Host-foyer_device' ? 'nonce.tag' : undefined),
      set: (name: string, value: string, options: CookieAttributes) =>
        calls.push(['set', name, value, options]),
      delete: (name: string, options: CookieAttributes) => calls.push(['delete', name, '', options]),
    };
    expect(readCookie(jar, 'device', 'https')).toBe('nonce.tag');
    expect(readCookie(jar, 'device', 'http')).toBeNull();
    setCookie(jar, 'session', 'https', 'abc234', until);
    clearCookie(jar, 'operator', 'http');
    expect(calls).toEqual([
      [
        'set',
        '__Host-foyer_session',
        'abc234',
        { path: '/', httpOnly: true, sameSite: 'lax', secure: true, expires: until },
      ],
      ['delete', 'foyer_operator', '', { path: '/', httpOnly: true, sameSite: 'lax', secure: false }],
    ]);
  });
});
