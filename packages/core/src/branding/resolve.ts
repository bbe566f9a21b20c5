import type { HostTenantRow } from '@foyer/db';
import { z } from 'zod';
import type { TenantSite } from '../context';
import { isHexColor, textColorOn } from './contrast';
import { type Branding, THEMES } from './types';

export const DEFAULT_PRIMARY = '#4f46e5';
export const DEFAULT_ACCENT = '#0ea5e9';

const color = (fallback: string) =>
  z
    .string()
    .nullish()
    .transform((v) => (v && isHexColor(v) ? v : fallback));

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : null));

/** The branding columns as `app_system.tenant_for_host` returns them. */
const storedBranding = z.object({
  displayName: optionalText,
  primaryColor: color(DEFAULT_PRIMARY),
  accentColor: color(DEFAULT_ACCENT),
  theme: z.enum(THEMES).nullish().catch(null),
  logoSha256: optionalText,
  faviconSha256: optionalText,
  welcomeText: optionalText,
  portalWelcome: optionalText,
  loginBackground: z
    .string()
    .nullish()
    .transform((v) => (v && isHexColor(v) ? v : null)),
  contactEmail: optionalText,
  contactPhone: optionalText,
  website: optionalText,
  address: optionalText,
  documentBusinessName: optionalText,
  documentAddress: optionalText,
  documentTaxId: optionalText,
  documentPaymentTerms: optionalText,
});

export function initialsOf(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word.charAt(0))
    .join('')
    .toUpperCase();
}

/** Path of a tenant's logo; the hash makes it immutable, so it can be cached forever. */
export const logoPath = (sha256: string) => `/_brand/logo/${sha256.slice(0, 16)}`;

/** Path of a tenant's favicon, immutable in the same way. */
export const faviconPath = (sha256: string) => `/_brand/favicon/${sha256.slice(0, 16)}`;

/**
 * Builds the branding a tenant's pages use from what is stored. Anything missing or malformed
 * falls back to a neutral default rather than reaching CSS.
 */
export function brandingFromStored(tenantName: string, stored: Record<string, unknown> | null): Branding {
  const b = storedBranding.parse(stored ?? {});
  const displayName = b.displayName ?? tenantName;
  return {
    displayName,
    initials: initialsOf(displayName) || '?',
    primaryColor: b.primaryColor,
    onPrimaryColor: textColorOn(b.primaryColor).color,
    accentColor: b.accentColor,
    onAccentColor: textColorOn(b.accentColor).color,
    theme: b.theme ?? 'light',
    logoUrl: b.logoSha256 ? logoPath(b.logoSha256) : null,
    faviconUrl: b.faviconSha256 ? faviconPath(b.faviconSha256) : null,
    welcomeText: b.welcomeText,
    portalWelcome: b.portalWelcome,
    loginBackground: b.loginBackground,
    contact: { email: b.contactEmail, phone: b.contactPhone, website: b.website, address: b.address },
    document: {
      businessName: b.documentBusinessName ?? displayName,
      address: b.documentAddress,
      taxId: b.documentTaxId,
      paymentTerms: b.documentPaymentTerms,
    },
  };
}

/** The platform host's own look. Never used on a tenant host. */
export const platformBranding: Branding = brandingFromStored('Foyer', {
  primaryColor: '#4338ca',
  accentColor: '#0d9488',
  theme: 'system',
});

/**
 * A tenant as its host shows it, from `app_system.tenant_for_host`'s row and the origin it is
 * served on (its verified custom domain, or its subdomain).
 */
export function siteFromHostRow(row: HostTenantRow, origin: string): TenantSite {
  return {
    tenant: { id: row.tenantId, slug: row.slug, name: row.name, status: row.status, origin },
    branding: brandingFromStored(row.name, row.branding),
  };
}
