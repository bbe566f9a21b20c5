import { schema, tenantForHost, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';

describe.each(drivers)('smoke on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  it('resolves a tenant and walls its rows', async () => {
    const [row] = await t.superuser<{ id: string }>(
      `insert into platform.tenants (slug, name) values ('smoke-${driver}', 'Smoke') returning id`,
    );
    const tenantId = row?.id as string;
    const found = await tenantForHost(t.handle, { slug: `smoke-${driver}` });
    expect(found?.tenantId).toBe(tenantId);
    const actor = { kind: 'admin', tenantId, userId: crypto.randomUUID() } as const;
    await withActor(t.handle.db, actor, (tx) => tx.insert(schema.clients).values({ tenantId, name: 'Acme' }));
    const seen = await withActor(t.handle.db, actor, (tx) => tx.select().from(schema.clients));
    expect(seen.map((c) => c.name)).toEqual(['Acme']);
  });
});
