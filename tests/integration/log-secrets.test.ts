import { randomBytes } from 'node:crypto';
import { hashPassword } from '@foyer/auth';
import { errorFields as dbErrorFields, system } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../apps/server/src/app';
import { loadConfig } from '../../apps/server/src/env';
import { createLogger } from '../../apps/server/src/log';
import type { PageRenderer } from '../../apps/server/src/web';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Provokes database errors whose statements carry secrets (an argon2 hash, token hashes, a link
 * with a token, a token where an id belongs), lets them reach the server's error handler as any
 * bug would, and searches everything logged for the secrets. The log must still say what failed:
 * the SQLSTATE and the statement's shape.
 */
describe.each(drivers)('secrets stay out of the logs on %s', (driver) => {
  let t: TestDatabase;
  let tenant: TenantFixture;
  const lines: string[] = [];
  const secrets = {
    handoffHash: randomBytes(32).toString('hex'),
    verifyHash: randomBytes(32).toString('hex'),
    verifyUrl: `https://x.foyer.test/verify-email?token=${randomBytes(20).toString('hex')}`,
    tokenAsId: `tok${randomBytes(12).toString('hex')}`,
    passwordHash: '',
  };

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    tenant = await createTenant(t);
    secrets.passwordHash = await hashPassword(`pw-${randomBytes(8).toString('hex')}`);
  });
  afterAll(() => t.close());

  /** The same sign-up that leaked in production: its slug is taken, so the insert fails. */
  const failingSignUp = () =>
    system.tenants.signUp(t.handle, {
      slug: tenant.slug,
      name: 'Phishing Ltd',
      adminName: 'Mallory',
      email: `mallory-${randomBytes(3).toString('hex')}@example.com`,
      passwordHash: secrets.passwordHash,
      handoffHash: secrets.handoffHash,
      handoffExpires: new Date(Date.now() + 60_000),
      verifyHash: secrets.verifyHash,
      verifyExpires: new Date(Date.now() + 60_000),
      verifyVars: { verifyUrl: secrets.verifyUrl },
    });
  const failingLookup = () => system.signIn.lookup(t.handle, secrets.tokenAsId, 'a@b.c');

  function expectClean(text: string) {
    for (const [name, secret] of Object.entries(secrets)) expect(text, name).not.toContain(secret);
    // Not even a piece of the hash (PostgreSQL quotes values in messages and details).
    expect(text).not.toContain(secrets.passwordHash.split('$').at(-1) ?? '');
  }

  it('the failures themselves do carry the secrets (so the test below can fail)', async () => {
    const signUpError = await failingSignUp().catch((e: unknown) => e);
    const lookupError = await failingLookup().catch((e: unknown) => e);
    expect(String((signUpError as Error).message)).toContain(secrets.handoffHash);
    expect(String((lookupError as Error).message)).toContain(secrets.tokenAsId);
  });

  it('logs code and statement shape, never parameters, through the front door', async () => {
    const pages: PageRenderer = {
      async respond(request) {
        const path = new URL(request.url).pathname;
        if (path === '/sign-up') await failingSignUp();
        if (path === '/lookup') await failingLookup();
        return new Response('ok');
      },
    };
    const app = createApp({
      config: loadConfig({ PLATFORM_DOMAIN: 'foyer.test', PUBLIC_PORT: '80' }),
      db: t.handle,
      pages,
      log: createLogger('debug', (line) => lines.push(line)),
    });
    for (const path of ['/sign-up', '/lookup']) {
      const res = await app.request(`http://foyer.test${path}`, { headers: { host: 'foyer.test' } });
      expect(res.status).toBe(500);
      expectClean(await res.text());
    }
    const logged = lines.join('');
    expectClean(logged);
    const errors = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ error: 'database error', code: '23505' });
    expect(errors[0].statement).toContain('app_system.sign_up(');
    expect(errors[1]).toMatchObject({ error: 'database error', code: '22P02' });
    expect(errors[1].statement).toContain('app_system.login_lookup(');
  });

  it('keeps the message of errors that are not the database’s', () => {
    expect(dbErrorFields(new Error('renderer exploded'))).toMatchObject({ error: 'renderer exploded' });
    expect(dbErrorFields({ token: secrets.tokenAsId })).toEqual({ error: 'non-error value thrown' });
  });
});
