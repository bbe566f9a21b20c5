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
/** Each theme's page backgrounds, as core's THEME_BACKGROUNDS (app.css's --surface and --canvas). */
const PAGES = { light: ['#ffffff', '#f6f7f9'], dark: ['#15171c', '#0c0d10'] } as const;
type ThemeName = keyof typeof PAGES;

function themesShown(theme: string): ThemeName[] {
  if (theme === 'dark') return ['dark'];
  if (theme === 'system') return ['light', 'dark'];
  return ['light'];
}

function bestText(background: string): number {
  return Math.max(contrast(background, '#ffffff'), contrast(background, '#111827'));
}

/**
 * Contrast advice as the admin types, by field: the same rules and words as core's
 * `brandColourAdvice`, which the server applies again when saving (and refuses `errors`).
 */
export function colourAdvice(values: {
  primaryColor: string;
  accentColor: string;
  theme: string;
  loginBackground: string;
}): { errors: Record<string, string>; warnings: Record<string, string> } {
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};

  if (isHex(values.primaryColor)) {
    const primary = values.primaryColor;
    let worst = { ratio: Number.POSITIVE_INFINITY, theme: 'light' as ThemeName };
    for (const shown of themesShown(values.theme)) {
      for (const page of PAGES[shown]) {
        const against = contrast(primary, page);
        if (against < worst.ratio) worst = { ratio: against, theme: shown };
      }
    }
    const shade = worst.theme === 'dark' ? 'lighter' : 'darker';
    const text = bestText(primary);
    if (worst.ratio < 3) {
      errors.primaryColor =
        `On a ${worst.theme} page this primary colour reaches only ${ratioText(worst.ratio)} contrast, too faint ` +
        `for the text and links drawn in it. Choose a ${shade} shade: at least 3:1 is needed, 4.5:1 reads well.`;
    } else if (worst.ratio < 4.5) {
      warnings.primaryColor =
        `Text in this primary colour, such as invoice titles, reaches only ${ratioText(worst.ratio)} contrast on a ` +
        `${worst.theme} page; WCAG AA asks for 4.5:1. A ${shade} shade reads better.`;
    } else if (text < 4.5) {
      warnings.primaryColor =
        `Text on this primary colour reaches only ${ratioText(text)} contrast with white or dark text; ` +
        'WCAG AA asks for 4.5:1. Choose a darker or lighter shade.';
    }
  }

  if (isHex(values.accentColor)) {
    const text = bestText(values.accentColor);
    if (text < 4.5) {
      warnings.accentColor =
        `Text on this accent colour reaches only ${ratioText(text)} contrast with white or dark text; ` +
        'WCAG AA asks for 4.5:1. Choose a darker or lighter shade.';
    }
  }

  if (isHex(values.loginBackground)) {
    const text = bestText(values.loginBackground);
    if (text < 4.5) {
      warnings.loginBackground = `Text on this background reaches only ${ratioText(text)} contrast; WCAG AA asks for 4.5:1.`;
    }
  }
  return { errors, warnings };
}
