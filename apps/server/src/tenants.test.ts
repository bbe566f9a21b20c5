import { randomBytes } from 'node:crypto';
import { openPostgres } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drivers, loginUrlOf, openTestDatabase, type TestDatabase } from '../../../tests/support/databases';
import { loadConfig } from './env';
import { TenantDirectory } from './tenants';

/**
 * Host lookups are cached per node; a change announced on one node clears every node's cache at
 * once, instead of leaving the old brand or domain in place until the cache's TTL runs out.
 */

const config = loadConfig({ PLATFORM_DOMAIN: 'foyer.test' });
const until = async (check: () => Promise<boolean>, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
};

describe.each(drivers)('tenant cache across nodes on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('drops a cached brand on every following node when one node announces a change', async () => {
    const slug = `n-${randomBytes(5).toString('hex')}`;
    const [row] = await t.superuser<{ id: string }>(
      `insert into platform.tenants (slug, name) values ($1, 'Before') returning id::text as id`,
      [slug],
    );
    const tenantId = row?.id ?? '';
    // A second node: its own connection pool on PostgreSQL (PGlite is one process, one handle).
    const otherHandle =
      driver === 'postgres' ? openPostgres({ url: loginUrlOf(inject('postgresUrl')), max: 2 }) : t.handle;
    const here = new TenantDirectory(t.handle, config, { ttlMs: 60_000 });
    const there = new TenantDirectory(otherHandle, config, { ttlMs: 60_000 });
    const stop = await there.follow();
    const nameOn = async (directory: TenantDirectory) =>
      (await directory.lookup({ kind: 'subdomain', slug, host: `${slug}.foyer.test` }))?.tenant.name;
    try {
      expect(await nameOn(there)).toBe('Before');
      await t.superuser(`update platform.tenants set name = 'After' where id = $1`, [tenantId]);
      // Cached for a minute: without an announcement the other node keeps the old name.
      expect(await nameOn(there)).toBe('Before');
      here.announce(tenantId);
      expect(await until(async () => (await nameOn(there)) === 'After')).toBe(true);
    } finally {
      await stop();
      if (otherHandle !== t.handle) await otherHandle.close();
    }
  });
});
