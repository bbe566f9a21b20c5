import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, originFor, repoRoot, secretKeyFor } from './env';

const KEY = 'ab'.repeat(32);

describe('loadConfig', () => {
  it('has working defaults for a fresh machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      platformDomain: 'localhost',
      publicScheme: 'http',
      publicPort: 3000,
      trustedProxies: null,
      databaseUrl: null,
      databaseLoginUrl: null,
    });
    expect(config.dataDir).toBe(`${repoRoot}.data`);
  });

  it('derives the login URL from DATABASE_URL and makes the data directory absolute', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres:secret@db.internal:5432/foyer',
      FOYER_SECRET_KEY: KEY,
      FOYER_DATA_DIR: 'relative/data',
      PORT: '8080',
      PUBLIC_PORT: '443',
      PUBLIC_SCHEME: 'https',
      PLATFORM_DOMAIN: 'Portal.Example.COM',
    });
    expect(config.databaseLoginUrl).toBe('postgres://foyer_login:secret@db.internal:5432/foyer');
    expect(config.dataDir).toBe(`${process.cwd()}/relative/data`);
    expect(config.platformDomain).toBe('portal.example.com');
    expect(originFor(config, 'acme.portal.example.com')).toBe('https://acme.portal.example.com');
    expect(originFor({ publicScheme: 'http', publicPort: 3000 }, 'localhost')).toBe('http://localhost:3000');
    expect(originFor({ publicScheme: 'http', publicPort: 80 }, 'localhost')).toBe('http://localhost');
  });

  it('keeps an explicit login URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@h/db',
      DATABASE_LOGIN_URL: 'postgresql://app:pw@pgbouncer:6432/db',
      FOYER_SECRET_KEY: KEY,
    });
    expect(config.databaseLoginUrl).toBe('postgresql://app:pw@pgbouncer:6432/db');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: null });
  });

  it('accepts trusted proxies as addresses and CIDR ranges', () => {
    const { trustedProxies } = loadConfig({ TRUSTED_PROXY: '10.0.0.0/8, ::1' });
    expect(trustedProxies?.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(trustedProxies?.check('11.1.2.3', 'ipv4')).toBe(false);
    expect(trustedProxies?.check('::1', 'ipv6')).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PUBLIC_PORT', '0'],
    ['PLATFORM_DOMAIN', 'localhost:3000'],
    ['PLATFORM_DOMAIN', 'https://example.com'],
    ['PUBLIC_SCHEME', 'ftp'],
    ['TRUSTED_PROXY', '10.0.0.0/99'],
    ['TRUSTED_PROXY', 'proxy.internal'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['DATABASE_LOGIN_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['FOYER_SECRET_KEY', 'short'],
    ['MAIL_FROM', 'not-an-address'],
    ['FOYER_WORKER', 'yes'],
    ['FOYER_DNS_SERVERS', 'dns.example'],
    ['FOYER_DNS_SERVERS', '127.0.0.1:99999'],
    ['S3_BUCKET', 'Not_A_Bucket'],
    ['S3_ENDPOINT', 'ftp://s3.example.com'],
    ['S3_FORCE_PATH_STYLE', 'yes'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
  });

  it('reads DNS servers for domain verification as IP or IP:port', () => {
    expect(loadConfig({}).dnsServers).toEqual([]);
    expect(loadConfig({ FOYER_DNS_SERVERS: '127.0.0.1:5353, 1.1.1.1, [::1]:53' }).dnsServers).toEqual([
      '127.0.0.1:5353',
      '1.1.1.1',
      '[::1]:53',
    ]);
  });

  it('keeps files in $FOYER_DATA_DIR/files unless S3_BUCKET is set', () => {
    expect(loadConfig({ FOYER_DATA_DIR: '/srv/foyer' }).storage).toEqual({
      kind: 'local',
      dir: '/srv/foyer/files',
    });
    const keys = { S3_ACCESS_KEY_ID: 'AKIAEXAMPLE', S3_SECRET_ACCESS_KEY: 'secret-example' };
    expect(loadConfig({ S3_BUCKET: 'foyer-files', S3_REGION: 'eu-central-1', ...keys }).storage).toEqual({
      kind: 's3',
      bucket: 'foyer-files',
      region: 'eu-central-1',
      endpoint: null,
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret-example',
      forcePathStyle: false,
    });
    // An endpoint (MinIO, R2, …) makes the region optional.
    expect(
      loadConfig({
        S3_BUCKET: 'foyer-files',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_FORCE_PATH_STYLE: '1',
        ...keys,
      }).storage,
    ).toMatchObject({
      kind: 's3',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
  });

  it.each([
    [
      { S3_BUCKET: 'foyer-files', S3_REGION: 'eu-central-1', S3_SECRET_ACCESS_KEY: 's' },
      /S3_ACCESS_KEY_ID: required/,
    ],
    [
      { S3_BUCKET: 'foyer-files', S3_REGION: 'eu-central-1', S3_ACCESS_KEY_ID: 'k' },
      /S3_SECRET_ACCESS_KEY: required/,
    ],
    [{ S3_BUCKET: 'foyer-files', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }, /S3_REGION: required/],
    [
      { S3_REGION: 'eu-central-1', S3_ACCESS_KEY_ID: 'k' },
      /S3_BUCKET: required with S3_REGION, S3_ACCESS_KEY_ID/,
    ],
  ])('refuses an incomplete S3 setup: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("sets up Google sign-in with both credentials, on Google's endpoints unless told otherwise", () => {
    expect(loadConfig({}).google).toBeNull();
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com' })).toThrow(
      /GOOGLE_CLIENT_SECRET/,
    );
    expect(() => loadConfig({ GOOGLE_CLIENT_SECRET: 'secret' })).toThrow(/GOOGLE_CLIENT_ID/);
    expect(loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' }).google).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      issuers: ['https://accounts.google.com', 'accounts.google.com'],
    });
    const fake = loadConfig({
      GOOGLE_CLIENT_ID: 'id',
      GOOGLE_CLIENT_SECRET: 'secret',
      GOOGLE_AUTHORIZE_URL: 'http://127.0.0.1:4822/o/oauth2/v2/auth',
      GOOGLE_TOKEN_URL: 'http://127.0.0.1:4822/token',
      GOOGLE_ISSUER: 'http://127.0.0.1:4822',
    }).google;
    expect(fake).toMatchObject({
      tokenUrl: 'http://127.0.0.1:4822/token',
      issuers: ['http://127.0.0.1:4822'],
    });
    expect(() =>
      loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's', GOOGLE_TOKEN_URL: 'ftp://x' }),
    ).toThrow(/GOOGLE_TOKEN_URL/);
  });

  it('requires FOYER_SECRET_KEY on PostgreSQL, where every node must share it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://postgres@h/db' })).toThrow(/FOYER_SECRET_KEY/);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://postgres@h/db', FOYER_SECRET_KEY: KEY }).secretKey,
    ).toHaveLength(32);
  });

  it('generates the embedded key once into the data directory and keeps it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'foyer-key-'));
    const first = secretKeyFor({ secretKey: null, dataDir });
    expect(first).toHaveLength(32);
    expect((await stat(join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect(secretKeyFor({ secretKey: null, dataDir }).equals(first)).toBe(true);
    const given = Buffer.alloc(32, 1);
    expect(secretKeyFor({ secretKey: given, dataDir })).toBe(given);
  });
});
