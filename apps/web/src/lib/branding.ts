import type { BrandContact, Branding } from '@foyer/core';

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

// core validates colours on write; checking again keeps a bad row from injecting CSS here.
function colour(value: string, fallback: string): string {
  return HEX_COLOUR.test(value) ? value : fallback;
}

/** The one place tenant colours enter the page; everything else reads the custom properties. */
export function brandStyle(branding: Branding): string {
  return [
    `--brand-primary: ${colour(branding.primaryColor, '#4f46e5')}`,
    `--brand-on-primary: ${colour(branding.onPrimaryColor, '#ffffff')}`,
    `--brand-accent: ${colour(branding.accentColor, '#0ea5e9')}`,
    `--brand-on-accent: ${colour(branding.onAccentColor, '#000000')}`,
    ...(branding.loginBackground && HEX_COLOUR.test(branding.loginBackground)
      ? [
          `--brand-login-background: ${branding.loginBackground}`,
          `--brand-on-login-background: ${textOn(branding.loginBackground)}`,
        ]
      : []),
  ].join('; ');
}

const channel = (hex: string, offset: number) => {
  const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/**
 * WCAG 2.x relative luminance of a `#rrggbb` colour. The same formula as @foyer/core's
 * contrast.ts, repeated because the browser bundle cannot import core (it brings the database).
 */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever contrasts more with `background` (as core's textColorOn). */
export function textOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#111827') ? '#ffffff' : '#111827';
}

export function isHex(value: string): boolean {
  return HEX_COLOUR.test(value);
}

export interface ContactLink {
  label: string;
  text: string;
  href: string | null;
}

function websiteHref(website: string): string | null {
  // Agencies often type "northwind.example" without a scheme.
  const candidate = /^[a-z][a-z\d+.-]*:/i.test(website) ? website : `https://${website}`;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function websiteText(href: string): string {
  const url = new URL(href);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.host.replace(/^www\./, '')}${path}`;
}

/** Contact lines to show, each only if the agency filled it in; links only for safe schemes. */
export function contactLinks(contact: BrandContact): ContactLink[] {
  const links: ContactLink[] = [];
  if (contact.email) {
    links.push({ label: 'Email', text: contact.email, href: `mailto:${contact.email}` });
  }
  if (contact.phone) {
    const dial = contact.phone.replace(/[^\d+]/g, '');
    links.push({ label: 'Phone', text: contact.phone, href: dial === '' ? null : `tel:${dial}` });
  }
  if (contact.website) {
    const href = websiteHref(contact.website);
    links.push({ label: 'Website', text: href ? websiteText(href) : contact.website, href });
  }
  return links;
}

const ratioText = (value: number) => `${value.toFixed(2).replace(/\.?0+$/, '')}:1`;
const SURFACES = { light: '#ffffff', dark: '#15171c' } as const;

/**
 * Contrast advice as the admin types, by field: the same rules and figures as core's
 * `brandingWarnings`, which the server applies again when saving.
 */
export function contrastWarnings(values: {
  primaryColor: string;
  accentColor: string;
  theme: string;
  loginBackground: string;
}): Record<string, string> {
  const warnings: Record<string, string> = {};
  const surfaces =
    values.theme === 'dark'
      ? (['dark'] as const)
      : values.theme === 'system'
        ? (['light', 'dark'] as const)
        : (['light'] as const);
  for (const [name, label] of [
    ['primaryColor', 'primary colour'],
    ['accentColor', 'accent colour'],
  ] as const) {
    const value = values[name];
    if (!isHex(value)) continue;
    const best = Math.max(contrast(value, '#ffffff'), contrast(value, '#111827'));
    if (best < 4.5) {
      warnings[name] =
        `Text on this ${label} reaches only ${ratioText(best)} contrast with white or dark text; ` +
        'WCAG AA asks for 4.5:1. Choose a darker or lighter shade.';
      continue;
    }
    if (name !== 'primaryColor') continue;
    for (const surface of surfaces) {
      const against = contrast(value, SURFACES[surface]);
      if (against < 3) {
        warnings[name] =
          `This ${label} stands out only ${ratioText(against)} from a ${surface} page; ` +
          'WCAG AA asks for 3:1, so buttons and links in it will be hard to see.';
        break;
      }
    }
  }
  if (isHex(values.loginBackground)) {
    const best = Math.max(
      contrast(values.loginBackground, '#ffffff'),
      contrast(values.loginBackground, '#111827'),
    );
    if (best < 4.5) {
      warnings.loginBackground = `Text on this background reaches only ${ratioText(best)} contrast; WCAG AA asks for 4.5:1.`;
    }
  }
  return warnings;
}
