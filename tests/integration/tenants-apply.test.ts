import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { applyTenant, loadTenantDeclarations, type TenantDeclaration } from '@foyer/core';
import { ensureTenant, system } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';

const tenantsDir = fileURLToPath(new URL('../../tenants', import.meta.url));

/** The repo's demo agency under a fresh slug, so this test depends on no other. */
function freshCopy(declaration: TenantDeclaration): TenantDeclaration {
  const slug = `demo-${randomBytes(5).toString('hex')}`;
  return { ...declaration, manifest: { ...declaration.manifest, slug } };
}

describe('the demo agencies in tenants/', () => {
  it('are valid declarations with logos', async () => {
    const declarations = await loadTenantDeclarations(tenantsDir);
    expect(declarations.map((d) => d.manifest.slug)).toEqual(['bluefin', 'northwind']);
    for (const d of declarations) expect(d.logo?.mime).toBe('image/png');
  });
});

describe.each(drivers)('tenants apply on %s', (driver) => {
  let t: TestDatabase;
  let declaration: TenantDeclaration;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    const [first] = await loadTenantDeclarations(tenantsDir);
    if (!first) throw new Error('no demo agencies');
    declaration = freshCopy(first);
  });
  afterAll(() => t.close());

  /** As `foyer tenants apply` does: the tenant row on the superuser connection, the rest as foyer_login. */
  const apply = async (manifest: TenantDeclaration['manifest'], options: Parameters<typeof applyTenant>[3]) =>
    applyTenant(
      t.handle,
      await ensureTenant({ query: t.superuser }, { slug: manifest.slug, name: manifest.name }),
      manifest,
      options,
    );

  const counts = async (tenantId: string) => {
    const [row] = await t.superuser<Record<string, number>>(
      `select
         (select count(*)::int from app.users where tenant_id = $1) as users,
         (select count(*)::int from app.clients where tenant_id = $1) as clients,
         (select count(*)::int from app.projects where tenant_id = $1) as projects,
         (select count(*)::int from app.task_statuses where tenant_id = $1) as columns,
         (select count(*)::int from app.tasks where tenant_id = $1) as tasks,
         (select count(*)::int from app.branding where tenant_id = $1) as branding`,
      [tenantId],
    );
    return row;
  };

  it('creates the agency with its brand, people, project and tasks, and is idempotent', async () => {
    const { manifest, logo } = declaration;
    const first = await apply(manifest, { logo });
    expect(first).toMatchObject({ slug: manifest.slug, created: true, applied: true });
    const expected = {
      users: 2,
      clients: 1,
      projects: 1,
      columns: 4,
      tasks: manifest.project.tasks.length,
      branding: 1,
    };
    expect(await counts(first.tenantId)).toEqual(expected);

    const again = await apply(manifest, { logo });
    expect(again).toMatchObject({ tenantId: first.tenantId, created: false, applied: true });
    expect(await counts(first.tenantId)).toEqual(expected);

    const found = await system.tenants.forHost(t.handle, { slug: manifest.slug });
    expect(found?.branding).toMatchObject({
      displayName: manifest.name,
      primaryColor: manifest.brand.primaryColor,
      theme: manifest.brand.theme,
    });
    expect(found?.branding?.logoSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves an existing agency alone when asked for missing ones only', async () => {
    const { manifest, logo } = freshCopy(declaration);
    const { tenantId } = await apply(manifest, { logo });
    await t.superuser(`update app.branding set primary_color = '#000000' where tenant_id = $1`, [tenantId]);

    const skipped = await apply(manifest, { logo, onlyMissing: true });
    expect(skipped).toMatchObject({ applied: false, created: false });
    const [row] = await t.superuser<{ primary_color: string }>(
      'select primary_color from app.branding where tenant_id = $1',
      [tenantId],
    );
    expect(row?.primary_color).toBe('#000000');
  });

  it('stores the declared passwords as argon2id hashes only', async () => {
    const rows = await t.superuser<{ password_hash: string | null }>(
      'select password_hash from app.users u join platform.tenants t on t.id = u.tenant_id where t.slug = $1',
      [declaration.manifest.slug],
    );
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toBe(declaration.manifest.admin.password);
      expect(row.password_hash).not.toBe(declaration.manifest.client.contact.password);
    }
  });
});
