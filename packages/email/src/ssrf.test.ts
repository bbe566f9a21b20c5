import { describe, expect, it } from 'vitest';
import { checkSmtpHost, type HostLookup } from './index';
import { nonPublicKind } from './ssrf';

const resolvesTo =
  (...addresses: string[]): HostLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const never: HostLookup = async () => {
  throw new Error('the lookup must not be called for an IP literal');
};

describe('checkSmtpHost', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['100.127.255.254', 'shared (carrier-grade NAT)'],
    ['0.0.0.0', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:a9fe:a9fe]', 'link-local'],
    ['64:ff9b::a00:5', 'private'],
    ['2002:a00:5::1', 'private'],
  ])('refuses %s (%s)', async (host, kind) => {
    const message = await checkSmtpHost(host, { allowPrivate: false, lookup: never });
    expect(message).toMatch(
      new RegExp(`^This host resolves to a ${kind.replace(/[()]/g, '\\$&')} address \\(`),
    );
    expect(message).toMatch(/; use a public mail server\.$/);
  });

  it('refuses a name that resolves to a private address, naming the address', async () => {
    expect(
      await checkSmtpHost('smtp.internal.example', { allowPrivate: false, lookup: resolvesTo('10.0.0.5') }),
    ).toBe('This host resolves to a private address (10.0.0.5); use a public mail server.');
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = resolvesTo('93.184.215.14', '192.168.0.7');
    expect(await checkSmtpHost('mail.example.com', { allowPrivate: false, lookup })).toMatch(
      /192\.168\.0\.7/,
    );
  });

  it('accepts names and addresses that are public', async () => {
    const lookup = resolvesTo('93.184.215.14', '2606:4700:4700::1111');
    expect(await checkSmtpHost('smtp.example.com', { allowPrivate: false, lookup })).toBeNull();
    expect(await checkSmtpHost('93.184.215.14', { allowPrivate: false, lookup: never })).toBeNull();
    expect(await checkSmtpHost('2606:4700:4700::1111', { allowPrivate: false, lookup: never })).toBeNull();
    expect(await checkSmtpHost('SMTP.Example.COM.', { allowPrivate: false, lookup })).toBeNull();
  });

  it('refuses invalid host names without looking them up', async () => {
    for (const host of [
      '',
      ' ',
      'exa mple.com',
      '-bad.example.com',
      'smtp..example.com',
      'http://smtp.example.com',
      `${'a'.repeat(64)}.com`,
      'smtp.example.com:25',
      'user@smtp.example.com',
    ]) {
      expect(await checkSmtpHost(host, { allowPrivate: false, lookup: never }), host).toMatch(
        /is not a valid host name/,
      );
    }
  });

  it('refuses localhost by name', async () => {
    expect(await checkSmtpHost('localhost', { allowPrivate: false, lookup: never })).toMatch(
      /this server itself/,
    );
    expect(await checkSmtpHost('mail.localhost', { allowPrivate: false, lookup: never })).toMatch(
      /this server itself/,
    );
  });

  it('says when a host cannot be found', async () => {
    const missing: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await checkSmtpHost('nowhere.example', { allowPrivate: false, lookup: missing })).toBe(
      'This host could not be found (ENOTFOUND).',
    );
  });

  it('lets the platform’s own relay or a test server through with allowPrivate', async () => {
    expect(await checkSmtpHost('127.0.0.1', { allowPrivate: true })).toBeNull();
    expect(
      await checkSmtpHost('relay.internal', { allowPrivate: true, lookup: resolvesTo('10.1.2.3') }),
    ).toBeNull();
  });

  it('classifies public addresses as public', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.215.14',
      '2a00:1450:4001:82a::200e',
      '172.32.0.1',
      '100.128.0.1',
    ]) {
      expect(nonPublicKind(address), address).toBeNull();
    }
  });
});
