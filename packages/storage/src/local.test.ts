import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore, signLocalLink, verifyLocalLink } from './local';
import { objectKey } from './storage';
import { behavesLikeAnObjectStore } from './test-suite';

const secret = 'a test secret that is long enough for HMAC-SHA256!';
let dir: string;
let store: LocalObjectStore;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'foyer-storage-'));
  store = new LocalObjectStore({
    root: path.join(dir, 'files'),
    secret,
    baseUrl: 'https://portal.example.com/',
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

behavesLikeAnObjectStore('local', () => store);

describe('local driver', () => {
  it('leaves no temporary files behind, also after a failed write', async () => {
    const key = objectKey(randomUUID(), randomUUID());
    await store.put(key, Buffer.from('ok'));
    await expect(store.put(key, Buffer.from('12345'), { contentLength: 4 })).rejects.toThrow();
    expect(await readdir(path.join(store.root, '.tmp'))).toEqual([]);
  });

  it('lists only objects: not its own temporary and metadata files, nor symlinks', async () => {
    const tenant = randomUUID();
    const key = objectKey(tenant, randomUUID());
    await store.put(key, Buffer.from('x'), { contentType: 'image/png' });
    await writeFile(path.join(dir, 'outside'), 'secret');
    await symlink(path.join(dir, 'outside'), path.join(store.root, 'tenants', tenant, randomUUID()));
    const all: string[] = [];
    for await (const listed of store.list('')) all.push(listed);
    expect(all.filter((k) => k.includes(tenant))).toEqual([key]);
    expect(all.every((k) => !k.startsWith('.'))).toBe(true);
  });

  it('adopts a file by renaming it into place, with its content type', async () => {
    const key = objectKey(randomUUID(), randomUUID());
    const staged = path.join(store.root, '.uploads-test', randomUUID());
    await mkdir(path.dirname(staged), { recursive: true });
    await writeFile(staged, 'adopted bytes');
    await store.adopt(key, staged, 'image/png');
    expect(await store.head(key)).toEqual({ size: 13, contentType: 'image/png' });
    await expect(stat(staged)).rejects.toThrow();
    await expect(store.adopt(objectKey(randomUUID(), randomUUID()), staged)).rejects.toThrow();
    await expect(store.adopt('../escape', path.join(dir, 'outside'))).rejects.toThrow();
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => new LocalObjectStore({ root: dir, secret: 'too short' })).toThrow();
  });
});

describe('local signed links', () => {
  const key = objectKey(randomUUID(), randomUUID());
  const options = {
    expiresInSeconds: 300,
    filename: 'Brochure (print).pdf',
    disposition: 'attachment' as const,
    contentType: 'application/pdf',
  };
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);

  it('is /files/<token> on the base URL', async () => {
    const url = await store.signedUrl(key, options);
    expect(url).toMatch(/^https:\/\/portal\.example\.com\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const result = verifyLocalLink(url, secret);
    expect(result).toMatchObject({ ok: true, key });
  });

  it('verifies before expiry with the download headers', () => {
    const token = signLocalLink(key, options, secret, now);
    expect(verifyLocalLink(token, secret, now)).toEqual({
      ok: true,
      key,
      expiresAt: now + 300_000,
      headers: {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="Brochure (print).pdf"; filename*=UTF-8''Brochure%20%28print%29.pdf`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': 'sandbox',
      },
    });
    expect(verifyLocalLink(token, secret, now + 299_999).ok).toBe(true);
  });

  it('is refused once expired', () => {
    const token = signLocalLink(key, options, secret, now);
    expect(verifyLocalLink(token, secret, now + 300_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyLocalLink(token, secret, now + 86_400_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is refused when any character is changed', () => {
    const token = signLocalLink(key, options, secret, now);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const other = alphabet[(alphabet.indexOf(token.charAt(i)) + 1) % alphabet.length];
      const changed = token.slice(0, i) + other + token.slice(i + 1);
      const result = verifyLocalLink(changed, secret, now);
      expect(result.ok, `position ${i}`).toBe(false);
    }
  });

  it('is refused when a field is re-signed by someone without the secret', () => {
    const token = signLocalLink(key, options, secret, now);
    const [payload, signature] = token.split('.') as [string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString());
    for (const change of [
      { k: objectKey(randomUUID(), randomUUID()) },
      { e: fields.e + 3600 },
      { f: 'other.pdf' },
      { d: 'inline' },
      { t: 'text/html' },
    ]) {
      const forged = Buffer.from(JSON.stringify({ ...fields, ...change })).toString('base64url');
      expect(verifyLocalLink(`${forged}.${signature}`, secret, now)).toEqual({
        ok: false,
        reason: 'tampered',
      });
    }
    expect(verifyLocalLink(token, `${secret}x`, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLocalLink(`${payload}.`, secret, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLocalLink('garbage', secret, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to sign bad expiries, content types and dispositions', () => {
    expect(() => signLocalLink(key, { ...options, expiresInSeconds: 0 }, secret)).toThrow();
    expect(() => signLocalLink(key, { ...options, expiresInSeconds: 1.5 }, secret)).toThrow();
    expect(() => signLocalLink(key, { ...options, contentType: 'text/html\r\nX: y' }, secret)).toThrow();
    expect(() => signLocalLink(key, { ...options, disposition: 'evil' as 'inline' }, secret)).toThrow();
    expect(() => signLocalLink('../etc/passwd', options, secret)).toThrow();
  });
});
