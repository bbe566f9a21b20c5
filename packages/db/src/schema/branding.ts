import { sql } from 'drizzle-orm';
import { check, customType, foreignKey, text } from 'drizzle-orm/pg-core';
import { app } from './app';
import { actorIsAdmin, tenantIdColumn, updatedAt, walledPolicies } from './columns';
import { tenants } from './platform';
import { teamRole } from './roles';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

export const themes = ['light', 'dark', 'system'] as const;

/** One row per tenant: how its portal, emails and documents look. */
export const branding = app.table(
  'branding',
  {
    tenantId: tenantIdColumn().primaryKey(),
    displayName: text('display_name').notNull(),
    primaryColor: text('primary_color').notNull().default('#4f46e5'),
    accentColor: text('accent_color').notNull().default('#0ea5e9'),
    theme: text('theme', { enum: themes }).notNull().default('light'),
    logoMime: text('logo_mime'),
    logoData: bytea('logo_data'),
    /** Hex SHA-256 of the logo bytes: the logo URL's cache key. */
    logoSha256: text('logo_sha256'),
    welcomeText: text('welcome_text'),
    /** The portal's first-sign-in welcome to a client; null shows the default text. */
    portalWelcome: text('portal_welcome'),
    /** Background colour of the login page; null uses the theme's. */
    loginBackground: text('login_background'),
    faviconMime: text('favicon_mime'),
    faviconData: bytea('favicon_data'),
    faviconSha256: text('favicon_sha256'),
    /** Document branding for invoices and records. */
    documentBusinessName: text('document_business_name'),
    documentAddress: text('document_address'),
    documentTaxId: text('document_tax_id'),
    documentPaymentTerms: text('document_payment_terms'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    website: text('website'),
    address: text('address'),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete('cascade'),
    check('branding_primary_hex', sql`${t.primaryColor} ~ '^#[0-9a-fA-F]{6}$'`),
    check('branding_accent_hex', sql`${t.accentColor} ~ '^#[0-9a-fA-F]{6}$'`),
    check(
      'branding_login_background_hex',
      sql`${t.loginBackground} is null or ${t.loginBackground} ~ '^#[0-9a-fA-F]{6}$'`,
    ),
    check('branding_favicon_mime', sql`${t.faviconMime} is null or ${t.faviconMime} = 'image/png'`),
    check('branding_theme_known', sql`${t.theme} in ('light', 'dark', 'system')`),
    check(
      'branding_logo_mime',
      sql`${t.logoMime} is null or ${t.logoMime} in ('image/png', 'image/jpeg', 'image/webp')`,
    ),
    // Everyone's pages show the brand (through the host lookup); only admins change it.
    ...walledPolicies('branding', 'team', teamRole, t.tenantId, {
      select: true,
      insert: actorIsAdmin,
      update: actorIsAdmin,
      delete: actorIsAdmin,
    }),
  ],
);
