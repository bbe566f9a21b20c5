import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  type BrandingFields,
  brandColourAdvice,
  brandingWarnings,
  contrastRatio,
  createCtx,
  getBrandingSettings,
  removeFavicon,
  removeLogo,
  saveBranding,
  uploadFavicon,
  uploadLogo,
} from '@foyer/core';
import { type ActingAs, system } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { activityOf, addUser, expectCoreError, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/**
 * Admin settings → Branding: hex-only colours, contrast advice by WCAG's formula, images
 * re-encoded from their bytes with size and pixel limits, and nothing reaching another tenant.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of one colour, written by hand, with a text chunk that re-encoding must drop. */
function png(width: number, height: number, rows?: Buffer, fill = 0x3c): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw =
    rows ??
    Buffer.concat(
      Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, fill)])),
    );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0secret camera serial 1234')),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dimensionsOf = (data: Uint8Array) => {
  const b = Buffer.from(data);
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

const fields = (overrides: Partial<BrandingFields> = {}): BrandingFields => ({
  displayName: 'Harbour & Co',
  primaryColor: '#1e3a8a',
  accentColor: '#fde047',
  theme: 'light',
  loginBackground: '#f1f5f9',
  welcomeText: 'Welcome back.\nYour projects are inside.',
  portalWelcome: '',
  contactEmail: 'hello@harbour.test',
  contactPhone: '+44 20 7946 0000',
  website: 'harbour.test',
  address: '1 Quay Street\nBristol',
  documentBusinessName: 'Harbour & Co Ltd',
  documentAddress: '1 Quay Street, Bristol BS1',
  documentTaxId: 'GB123456789',
  documentPaymentTerms: 'Due within 14 days.',
  ...overrides,
});

describe('contrast advice', () => {
  it('follows WCAG: yellow on a white page is refused, a deep blue passes', () => {
    expect(contrastRatio('#ffff00', '#ffffff')).toBeCloseTo(1.07, 2);
    expect(brandColourAdvice({ primaryColor: '#ffff00', accentColor: '#1e3a8a', theme: 'light' })).toEqual({
      errors: { primaryColor: expect.stringContaining('light page') },
      warnings: {},
    });
    expect(brandingWarnings({ primaryColor: '#1e3a8a', accentColor: '#1e3a8a', theme: 'light' })).toEqual({});
    // Mid-grey reaches 4.5:1 with neither white nor dark text.
    expect(
      brandingWarnings({ primaryColor: '#1e3a8a', accentColor: '#7a7a7a', theme: 'light' }),
    ).toMatchObject({
      accentColor: expect.stringContaining('4.5:1'),
    });
    // A dark blue disappears on a dark page.
    expect(
      brandColourAdvice({ primaryColor: '#1e3a8a', accentColor: '#fde047', theme: 'dark' }).errors,
    ).toHaveProperty('primaryColor');
  });
});

describe.each(drivers)('branding settings on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const verbs = async (tenantId: string) => (await activityOf(t, tenantId)).map((e) => e.verb);

  const setup = async () => {
    const core = testCore(t);
    const changed: string[] = [];
    const deps = { ...core.deps, tenantChanged: (id: string) => changed.push(id) };
    const as = (actor: ActingAs) => createCtx(deps, { actor });
    const tenant = await createTenant(t, { name: 'Harbour' });
    return { as, changed, tenant };
  };

  it('saves every field, reads it back, and drops the cached branding', async () => {
    const { as, changed, tenant } = await setup();
    const saved = await saveBranding({ ctx: as(tenant.admin), input: fields({ primaryColor: '#1E3A8A' }) });
    expect(saved).toMatchObject({ ...fields(), primaryColor: '#1e3a8a', warnings: {} });
    expect(changed).toEqual([tenant.id]);
    const read = await getBrandingSettings({ ctx: as(tenant.admin) });
    expect(read).toMatchObject(fields());
    const [first] = await activityOf(t, tenant.id);
    expect(first).toMatchObject({
      verb: 'branding.save',
      actor_kind: 'admin',
      actor_id: tenant.admin.userId,
    });
    expect(first?.data.changed).toEqual(
      expect.arrayContaining(['displayName', 'primaryColor', 'documentTaxId']),
    );

    const host = required(await system.tenants.forHost(t.handle, { slug: tenant.slug }), 'host row');
    expect(host.branding).toMatchObject({
      displayName: 'Harbour & Co',
      loginBackground: '#f1f5f9',
      welcomeText: 'Welcome back.\nYour projects are inside.',
      documentBusinessName: 'Harbour & Co Ltd',
      documentTaxId: 'GB123456789',
      documentPaymentTerms: 'Due within 14 days.',
    });

    // Emptied optional fields are stored as null, not as ''.
    await saveBranding({
      ctx: as(tenant.admin),
      input: fields({ loginBackground: '', welcomeText: '', documentTaxId: '' }),
    });
    const [row] = await t.superuser<Record<string, unknown>>(
      'select login_background, welcome_text, document_tax_id from app.branding where tenant_id = $1',
      [tenant.id],
    );
    expect(row).toEqual({ login_background: null, welcome_text: null, document_tax_id: null });
    // Each save is one entry naming the fields it changed (reads record nothing).
    const entries = await activityOf(t, tenant.id, 'branding.save');
    expect(entries).toHaveLength(2);
    expect(entries[1]?.data).toEqual({ changed: ['loginBackground', 'welcomeText', 'documentTaxId'] });
  });

  it('drops the cached branding only once the change is committed, and not for a refusal', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t, { name: 'Harbour' });
    const seen: Promise<unknown>[] = [];
    // What another connection sees when the cache is dropped: the new name, or it was too early.
    const deps = {
      ...core.deps,
      tenantChanged: (id: string) => {
        seen.push(
          t
            .superuser<{ display_name: string }>(
              'select display_name from app.branding where tenant_id = $1',
              [id],
            )
            .then((rows) => rows[0]?.display_name),
        );
      },
    };
    const ctx = createCtx(deps, { actor: tenant.admin });
    await saveBranding({ ctx, input: fields({ displayName: 'Committed' }) });
    expect(await Promise.all(seen)).toEqual(['Committed']);
    await expectCoreError(saveBranding({ ctx, input: fields({ primaryColor: 'red' }) }), 'validation');
    await expectCoreError(removeFavicon({ ctx: createCtx(deps, { actor: tenant.client }) }), 'forbidden');
    expect(seen).toHaveLength(1);
  });

  it('refuses colours that are not #rrggbb, saving nothing', async () => {
    const { as, tenant } = await setup();
    await saveBranding({ ctx: as(tenant.admin), input: fields() });
    for (const bad of [
      'red;background:url(//evil.test/x)',
      'red',
      '#fff',
      '#1e3a8a;',
      'rgb(0,0,0)',
      ' #12345g',
    ]) {
      for (const field of ['primaryColor', 'accentColor', 'loginBackground'] as const) {
        const error = await expectCoreError(
          saveBranding({ ctx: as(tenant.admin), input: fields({ [field]: bad, displayName: 'Changed' }) }),
          'validation',
        );
        expect(error.fields[field]).toMatch(/hex colour/);
      }
    }
    const read = await getBrandingSettings({ ctx: as(tenant.admin) });
    expect(read).toMatchObject({
      displayName: 'Harbour & Co',
      primaryColor: '#1e3a8a',
      loginBackground: '#f1f5f9',
    });
    // The refusals left no entry.
    expect(await verbs(tenant.id)).toEqual(['branding.save']);
  });

  it("saves a colour under AA on the theme's pages, with a warning next to it", async () => {
    const { as, tenant } = await setup();
    const saved = await saveBranding({
      ctx: as(tenant.admin),
      input: fields({ primaryColor: '#3b82f6', theme: 'light' }),
    });
    expect(saved.primaryColor).toBe('#3b82f6');
    expect(saved.warnings.primaryColor).toMatch(/4\.5:1/);
    expect((await getBrandingSettings({ ctx: as(tenant.admin) })).warnings.primaryColor).toBeTruthy();
    // The Bluefin demo's teal on the dark theme: 3.28:1, saved with a warning.
    const teal = await saveBranding({
      ctx: as(tenant.admin),
      input: fields({ primaryColor: '#0f766e', theme: 'dark' }),
    });
    expect(teal.warnings.primaryColor).toMatch(/3\.28:1 .*dark page/);
  });

  it('refuses a primary colour under 3:1 on a page of the theme in use, saving nothing', async () => {
    const { as, tenant } = await setup();
    await saveBranding({ ctx: as(tenant.admin), input: fields() });
    for (const [primaryColor, theme, page] of [
      ['#ffff00', 'light', 'light'],
      ['#1e3a8a', 'dark', 'dark'],
      ['#1e3a8a', 'system', 'dark'],
      ['#60a5fa', 'system', 'light'],
    ] as const) {
      const error = await expectCoreError(
        saveBranding({
          ctx: as(tenant.admin),
          input: fields({ primaryColor, theme, displayName: 'Changed' }),
        }),
        'validation',
      );
      expect(error.fields.primaryColor, `${primaryColor} on ${theme}`).toContain(`${page} page`);
    }
    const read = await getBrandingSettings({ ctx: as(tenant.admin) });
    expect(read).toMatchObject({ displayName: 'Harbour & Co', primaryColor: '#1e3a8a', theme: 'light' });
  });

  it('checks the other fields and their lengths', async () => {
    const { as, tenant } = await setup();
    const error = await expectCoreError(
      saveBranding({
        ctx: as(tenant.admin),
        input: fields({
          displayName: ' ',
          theme: 'neon',
          welcomeText: 'x'.repeat(501),
          contactEmail: 'not an email',
          website: 'javascript:alert(1)',
        }),
      }),
      'validation',
    );
    expect(Object.keys(error.fields).sort()).toEqual(
      ['contactEmail', 'displayName', 'theme', 'website', 'welcomeText'].sort(),
    );
  });

  it('is for admins only, and leaves other tenants alone', async () => {
    const { as, tenant } = await setup();
    const other = await createTenant(t, { name: 'Other', branding: { primaryColor: '#0f766e' } });
    const staff = await addUser(t, tenant, { role: 'staff' });
    await expectCoreError(getBrandingSettings({ ctx: as(tenant.client) }), 'forbidden');
    await expectCoreError(saveBranding({ ctx: as(tenant.client), input: fields() }), 'forbidden');
    await expectCoreError(saveBranding({ ctx: as(staff.actor), input: fields() }), 'forbidden');
    await expectCoreError(
      uploadLogo({ ctx: as(staff.actor), input: { bytes: png(8, 8), name: 'a.png' } }),
      'forbidden',
    );
    await expectCoreError(removeLogo({ ctx: as(staff.actor) }), 'forbidden');
    expect(await verbs(tenant.id)).toEqual([]);

    await saveBranding({ ctx: as(tenant.admin), input: fields({ primaryColor: '#123456' }) });
    await uploadLogo({ ctx: as(tenant.admin), input: { bytes: png(40, 20), name: 'logo.png' } });
    const otherRead = await getBrandingSettings({ ctx: as(other.admin) });
    expect(otherRead).toMatchObject({ displayName: 'Other', primaryColor: '#0f766e', logoUrl: null });
    expect(await system.tenants.logo(t.handle, other.id)).toBeNull();
    expect(await verbs(tenant.id)).toEqual(['branding.save', 'branding.logo_upload']);
    expect(await verbs(other.id)).toEqual([]);
  });

  it('re-encodes a PNG logo without its metadata, at most 512 pixels a side, with a favicon', async () => {
    const { as, changed, tenant } = await setup();
    const original = png(1200, 600);
    const saved = await uploadLogo({ ctx: as(tenant.admin), input: { bytes: original, name: 'logo.png' } });
    expect(changed).toEqual([tenant.id]);
    const logo = required(await system.tenants.logo(t.handle, tenant.id), 'stored logo');
    expect(logo.mime).toBe('image/png');
    expect(Buffer.from(logo.data).equals(original)).toBe(false);
    expect(Buffer.from(logo.data).includes('secret camera')).toBe(false);
    expect(dimensionsOf(logo.data)).toEqual({ width: 512, height: 256 });
    expect(logo.sha256).toBe(createHash('sha256').update(logo.data).digest('hex'));
    expect(saved.logoUrl).toBe(`/_brand/logo/${logo.sha256.slice(0, 16)}`);

    const favicon = required(await system.tenants.favicon(t.handle, tenant.id), 'stored favicon');
    expect(dimensionsOf(favicon.data)).toEqual({ width: 64, height: 64 });
    expect(saved.faviconUrl).toBe(`/_brand/favicon/${favicon.sha256.slice(0, 16)}`);
    const host = required(await system.tenants.forHost(t.handle, { slug: tenant.slug }), 'host row');
    expect(host.branding).toMatchObject({ logoSha256: logo.sha256, faviconSha256: favicon.sha256 });

    // A small logo is not enlarged.
    await uploadLogo({ ctx: as(tenant.admin), input: { bytes: png(40, 30), name: 'small.png' } });
    expect(dimensionsOf(required(await system.tenants.logo(t.handle, tenant.id), 'logo').data)).toEqual({
      width: 40,
      height: 30,
    });

    const removed = await removeLogo({ ctx: as(tenant.admin) });
    expect(removed).toMatchObject({ logoUrl: null, faviconUrl: null });
    expect(await system.tenants.logo(t.handle, tenant.id)).toBeNull();
    expect(await system.tenants.favicon(t.handle, tenant.id)).toBeNull();
    expect(await activityOf(t, tenant.id)).toMatchObject([
      { verb: 'branding.logo_upload', data: { faviconFollows: true } },
      { verb: 'branding.logo_upload', data: { faviconFollows: true } },
      { verb: 'branding.logo_remove', data: { faviconFollows: true } },
    ]);
  });

  it('keeps a separately uploaded favicon when the logo changes', async () => {
    const { as, tenant } = await setup();
    await uploadLogo({ ctx: as(tenant.admin), input: { bytes: png(100, 100), name: 'logo.png' } });
    const own = await uploadFavicon({
      ctx: as(tenant.admin),
      input: {
        bytes: png(300, 300, undefined, 0xc8),
        name: 'icon.png',
      },
    });
    await uploadLogo({ ctx: as(tenant.admin), input: { bytes: png(200, 80), name: 'logo2.png' } });
    expect((await getBrandingSettings({ ctx: as(tenant.admin) })).faviconUrl).toBe(own.faviconUrl);
    // Removing the uploaded favicon brings back the logo's.
    const fromLogo = await removeFavicon({ ctx: as(tenant.admin) });
    expect(fromLogo.faviconUrl).not.toBeNull();
    expect(fromLogo.faviconUrl).not.toBe(own.faviconUrl);
    expect(await activityOf(t, tenant.id)).toMatchObject([
      { verb: 'branding.logo_upload', data: { faviconFollows: true } },
      { verb: 'branding.favicon_upload' },
      { verb: 'branding.logo_upload', data: { faviconFollows: false } },
      { verb: 'branding.favicon_remove' },
    ]);
  });

  it('refuses a small PNG that declares 50,000 × 50,000 pixels, before decoding it', async () => {
    const { as, tenant } = await setup();
    // A handful of bytes: the header declares 2.5 gigapixels, the data is one empty row.
    const bomb = png(50_000, 50_000, Buffer.alloc(1));
    expect(bomb.length).toBeLessThan(1000);
    const error = await expectCoreError(
      uploadLogo({ ctx: as(tenant.admin), input: { bytes: bomb, name: 'bomb.png' } }),
      'validation',
    );
    expect(error.fields.logo).toMatch(/50000×50000 pixels, too large/);
    expect(await system.tenants.logo(t.handle, tenant.id)).toBeNull();
  });

  it('refuses SVG, files that only claim to be images, and files over 2 MB', async () => {
    const { as, tenant } = await setup();
    const svg = Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>',
    );
    const refusal = await expectCoreError(
      uploadLogo({ ctx: as(tenant.admin), input: { bytes: svg, name: 'logo.png' } }),
      'validation',
    );
    expect(refusal.fields.logo).toMatch(/SVG/);

    const text = Buffer.from('this is not an image, whatever its name says\n');
    const notImage = await expectCoreError(
      uploadLogo({ ctx: as(tenant.admin), input: { bytes: text, name: 'logo.png' } }),
      'validation',
    );
    expect(notImage.fields.logo).toMatch(/not a PNG, JPEG or WebP/);

    // Right signature, broken body.
    const truncated = png(64, 64).subarray(0, 40);
    await expectCoreError(
      uploadLogo({ ctx: as(tenant.admin), input: { bytes: truncated, name: 'logo.png' } }),
      'validation',
    );

    const huge = Buffer.concat([png(8, 8), Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await expectCoreError(
      uploadLogo({ ctx: as(tenant.admin), input: { bytes: huge, name: 'logo.png' } }),
      'validation',
    );
    expect(tooBig.fields.logo).toMatch(/2 MB/);
    expect(await system.tenants.logo(t.handle, tenant.id)).toBeNull();
    expect(await verbs(tenant.id)).toEqual([]);
  });
});
