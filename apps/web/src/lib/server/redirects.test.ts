import { describe, expect, it } from 'vitest';
import { afterSignIn, homeFor, loginUrl, safeNext } from './redirects';

describe('safeNext', () => {
  it.each([
    ['/admin', '/admin'],
    ['/admin/team?tab=invites', '/admin/team?tab=invites'],
    ['/account#sessions', '/account#sessions'],
    ['/a/../admin', '/admin'],
    ['/%2e/admin', '/admin'],
    ['/admin//team', '/admin//team'],
  ])('keeps the same-host path %s', (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });

  it.each([
    null,
    undefined,
    '',
    'admin',
    '//evil.example/admin',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    ` /admin`,
    // Paths that normalise to a protocol-relative link: another host once the browser reads it.
    '/.//evil.example/phish',
    '/%2e//evil.example',
    '/%2E//evil.example',
    '/a/..//evil.example',
    '/a/%2e%2e//evil.example',
    '/..//evil.example',
    '/./\\evil.example',
    '/.\\/evil.example',
    '/%2e/%2e//evil.example',
    '/a/b/../..//evil.example/x?y#z',
    `/${'a'.repeat(2048)}`,
  ])('refuses %j', (raw) => {
    expect(safeNext(raw)).toBeNull();
  });
});

describe('afterSignIn', () => {
  it('sends the team to the admin panel and clients to the portal', () => {
    expect(homeFor('admin')).toBe('/admin');
    expect(homeFor('staff')).toBe('/admin');
    expect(homeFor('client')).toBe('/');
    expect(afterSignIn('client', null)).toBe('/');
  });

  it('prefers a safe next and ignores an unsafe one', () => {
    expect(afterSignIn('staff', '/account')).toBe('/account');
    expect(afterSignIn('staff', '//evil.example')).toBe('/admin');
  });
});

describe('loginUrl', () => {
  it('carries the current path and query as next', () => {
    expect(loginUrl(new URL('http://a.localhost/admin/team?x=1'))).toBe(
      '/login?next=%2Fadmin%2Fteam%3Fx%3D1',
    );
  });

  it('leaves next out for the home page', () => {
    expect(loginUrl(new URL('http://a.localhost/'))).toBe('/login');
  });
});
