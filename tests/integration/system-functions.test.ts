import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ensureTenant, type SuperuserDoor, sql, system, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied, expectRefused, required } from '../support/assert';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant, insertTenant, randomSlug } from '../support/tenants';

/**
 * The app_system functions: the only work done before a tenant or user is known. They are called
 * as foyer_login with no context at all, and must still answer (SECURITY DEFINER, owned by
 * foyer_system) — and answer only what they are for.
 */

const randomHost = () => `${randomSlug('portal')}.example.test`;

function logo(): { mime: 'image/png'; data: Buffer; sha256: string } {
  const data = randomBytes(64);
  return { mime: 'image/png', data, sha256: createHash('sha256').update(data).digest('hex') };
}

describe.each(drivers)('app_system functions on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  async function addDomain(tenantId: string, hostname: string, verified: boolean): Promise<void> {
    await t.superuser(
      `insert into platform.domains (hostname, tenant_id, verification_token, verified_at)
       values ($1, $2, $3, case when $4 then now() end)`,
      [hostname, tenantId, randomUUID(), verified],
    );
  }

  it('run as foyer_login with no context, which itself reads neither platform nor app', async () => {
    const tenant = await createTenant(t);
    const [state] = await t.handle.rows<{ user: string; tenant: string | null }>(
      sql`select current_user::text as user, current_setting('app.tenant_id', true) as tenant`,
    );
    expect(state?.user).toBe('foyer_login');
    expect(['', null]).toContain(state?.tenant);
    await expectPermissionDenied(t.handle.rows(sql`select * from platform.tenants`));
    await expectPermissionDenied(t.handle.rows(sql`select * from app.branding`));

    // The same session, through the functions.
    const [host] = await t.handle.rows<{ tenant_id: string; name: string }>(
      sql`select tenant_id::text, name from app_system.tenant_for_host(${tenant.slug}::text, null::text)`,
    );
    expect(host).toEqual({ tenant_id: tenant.id, name: tenant.name });
    const logoRows = await t.handle.rows(sql`select * from app_system.tenant_logo(${tenant.id}::uuid)`);
    expect(logoRows).toEqual([]);
  });

  it('leave provisioning to the superuser: foyer_login can neither create nor rename a tenant', async () => {
    const tenant = await createTenant(t);
    // Issue #9: ensure_tenant was executable by the login role and created or renamed any tenant.
    await expectRefused(
      t.handle.rows(sql`select * from app_system.ensure_tenant(${randomSlug()}::text, ${'Forged'}::text)`),
    );
    await expectRefused(
      t.handle.rows(sql`select * from app_system.ensure_tenant(${tenant.slug}::text, ${'Renamed'}::text)`),
    );
    await expectPermissionDenied(
      t.handle.rows(sql`insert into platform.tenants (slug, name) values (${randomSlug()}, 'Forged')`),
    );
    const [row] = await t.superuser<{ name: string }>('select name from platform.tenants where id = $1', [
      tenant.id,
    ]);
    expect(row?.name).toBe(tenant.name);
  });

  describe('tenant_for_host', () => {
    it('finds a tenant by slug with its branding as JSON; an unknown slug is null', async () => {
      const mark = logo();
      const tenant = await createTenant(t, {
        name: 'Northwind Studio',
        branding: {
          displayName: 'Northwind',
          primaryColor: '#112233',
          accentColor: '#445566',
          theme: 'dark',
          welcomeText: 'Hello',
          portalWelcome: 'Welcome to your portal',
          contactEmail: 'hello@northwind.test',
          website: 'https://northwind.test',
          logoMime: mark.mime,
          logoData: mark.data,
          logoSha256: mark.sha256,
        },
      });
      const found = await system.tenants.forHost(t.handle, { slug: tenant.slug });
      expect(found).toEqual({
        tenantId: tenant.id,
        slug: tenant.slug,
        name: 'Northwind Studio',
        status: 'active',
        primaryDomain: null,
        branding: {
          displayName: 'Northwind',
          primaryColor: '#112233',
          accentColor: '#445566',
          theme: 'dark',
          logoSha256: mark.sha256,
          faviconSha256: null,
          welcomeText: 'Hello',
          portalWelcome: 'Welcome to your portal',
          loginBackground: null,
          contactEmail: 'hello@northwind.test',
          contactPhone: null,
          website: 'https://northwind.test',
          address: null,
          documentBusinessName: null,
          documentAddress: null,
          documentTaxId: null,
          documentPaymentTerms: null,
        },
      });

      expect(await system.tenants.forHost(t.handle, { slug: randomSlug('unknown') })).toBeNull();
      // A tenant without branding yet is found, with null branding.
      const bare = await insertTenant(t);
      expect(await system.tenants.forHost(t.handle, { slug: bare.slug })).toMatchObject({
        tenantId: bare.id,
        branding: null,
      });
    });

    it('finds a tenant by custom domain only once the domain is verified', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      const verified = randomHost();
      const pending = randomHost();
      const ofB = randomHost();
      await addDomain(a.id, verified, true);
      await addDomain(a.id, pending, false);
      await addDomain(b.id, ofB, true);

      expect(await system.tenants.forHost(t.handle, { hostname: verified })).toMatchObject({
        tenantId: a.id,
        slug: a.slug,
        primaryDomain: verified,
      });
      expect(await system.tenants.forHost(t.handle, { hostname: pending })).toBeNull();
      expect(await system.tenants.forHost(t.handle, { hostname: randomHost() })).toBeNull();
      expect(await system.tenants.forHost(t.handle, { hostname: ofB })).toMatchObject({
        tenantId: b.id,
        primaryDomain: ofB,
      });
      // The slug lookup reports the verified domain as the primary one, never the pending one.
      expect(await system.tenants.forHost(t.handle, { slug: a.slug })).toMatchObject({
        primaryDomain: verified,
      });

      await t.superuser('update platform.domains set verified_at = now() where hostname = $1', [pending]);
      expect(await system.tenants.forHost(t.handle, { hostname: pending })).toMatchObject({ tenantId: a.id });
    });

    it('still returns a suspended tenant, with status suspended', async () => {
      const tenant = await createTenant(t);
      const host = randomHost();
      await addDomain(tenant.id, host, true);
      expect(await system.tenants.forHost(t.handle, { slug: tenant.slug })).toMatchObject({
        status: 'active',
      });

      await t.superuser(
        `update platform.tenants set status = 'suspended', suspended_at = now() where id = $1`,
        [tenant.id],
      );
      expect(await system.tenants.forHost(t.handle, { slug: tenant.slug })).toMatchObject({
        tenantId: tenant.id,
        status: 'suspended',
      });
      expect(await system.tenants.forHost(t.handle, { hostname: host })).toMatchObject({
        tenantId: tenant.id,
        status: 'suspended',
      });
      const created = await insertTenant(t, { status: 'suspended' });
      expect(await system.tenants.forHost(t.handle, { slug: created.slug })).toMatchObject({
        status: 'suspended',
      });
    });
  });

  describe('tenant_favicon', () => {
    it("returns a tenant's own favicon, and nothing for a tenant without one", async () => {
      const icon = logo();
      const a = await createTenant(t, {
        branding: { faviconMime: icon.mime, faviconData: icon.data, faviconSha256: icon.sha256 },
      });
      const plain = await createTenant(t);
      const ofA = required(await system.tenants.favicon(t.handle, a.id), "A's favicon");
      expect(ofA).toMatchObject({ mime: 'image/png', sha256: icon.sha256 });
      expect(Buffer.from(ofA.data).equals(icon.data)).toBe(true);
      expect(await system.tenants.favicon(t.handle, plain.id)).toBeNull();
      expect(await system.tenants.favicon(t.handle, randomUUID())).toBeNull();
    });
  });

  describe('tenant_logo', () => {
    it("returns a tenant's own logo bytes, and nothing for a tenant without one", async () => {
      const markA = logo();
      const markB = logo();
      const a = await createTenant(t, {
        branding: { logoMime: markA.mime, logoData: markA.data, logoSha256: markA.sha256 },
      });
      const b = await createTenant(t, {
        branding: { logoMime: 'image/webp', logoData: markB.data, logoSha256: markB.sha256 },
      });
      const plain = await createTenant(t);
      const bare = await insertTenant(t);

      const ofA = required(await system.tenants.logo(t.handle, a.id), "A's logo");
      expect(ofA.mime).toBe('image/png');
      expect(ofA.sha256).toBe(markA.sha256);
      expect(Buffer.from(ofA.data).equals(markA.data)).toBe(true);

      const ofB = required(await system.tenants.logo(t.handle, b.id), "B's logo");
      expect(ofB.mime).toBe('image/webp');
      expect(Buffer.from(ofB.data).equals(markB.data)).toBe(true);
      expect(Buffer.from(ofB.data).equals(markA.data)).toBe(false);

      expect(await system.tenants.logo(t.handle, plain.id)).toBeNull();
      expect(await system.tenants.logo(t.handle, bare.id)).toBeNull();
      expect(await system.tenants.logo(t.handle, randomUUID())).toBeNull();

      // Once A removes its logo (through the wall, as its admin), it is gone for everyone.
      await withActor(t.handle.db, a.admin, (tx) =>
        tx.execute(sql`update app.branding set logo_data = null, logo_mime = null, logo_sha256 = null`),
      );
      expect(await system.tenants.logo(t.handle, a.id)).toBeNull();
      expect(await system.tenants.logo(t.handle, b.id)).not.toBeNull();
    });
  });

  describe('ensureTenant (on the superuser connection)', () => {
    it('creates a tenant once, then reports the same one without creating it again', async () => {
      const door: SuperuserDoor = { query: t.superuser };
      const slug = randomSlug('ensure');
      const first = await ensureTenant(door, { slug, name: 'First name' });
      expect(first.created).toBe(true);
      expect(first.tenantId).toMatch(/^[0-9a-f-]{36}$/);

      const second = await ensureTenant(door, { slug, name: 'Second name' });
      expect(second).toEqual({ tenantId: first.tenantId, created: false });

      const rows = await t.superuser<{ id: string; name: string; status: string }>(
        'select id::text, name, status from platform.tenants where slug = $1',
        [slug],
      );
      expect(rows).toEqual([{ id: first.tenantId, name: 'Second name', status: 'active' }]);
      expect(await system.tenants.forHost(t.handle, { slug })).toMatchObject({
        tenantId: first.tenantId,
        name: 'Second name',
      });

      // Another slug is another tenant.
      const other = await ensureTenant(door, { slug: randomSlug('ensure'), name: 'Other' });
      expect(other.created).toBe(true);
      expect(other.tenantId).not.toBe(first.tenantId);
    });
  });
});
