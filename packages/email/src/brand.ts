import { isAllowedUrl } from './html';

/** How an agency's emails look and who they come from. */
export interface EmailBrand {
  name: string;
  /** Tenant origin, e.g. https://acme.example.com: the base of every link in its emails. */
  origin: string;
  /** Absolute URL of the logo; without one the name is shown in the primary colour. */
  logoUrl: string | null;
  primaryColor: string;
  /** Text colour on the primary colour (buttons). */
  onPrimaryColor: string;
  accentColor: string;
  /** Postal address, one line per line. */
  address: string | null;
  contactEmail: string | null;
  website: string | null;
  /** Extra footer text, e.g. a company number. */
  footer?: string | null;
}

/** The brand as the layout uses it: every value checked, colours readable. */
export interface ResolvedBrand {
  name: string;
  origin: string;
  logoUrl: string | null;
  primaryColor: string;
  onPrimaryColor: string;
  /** A link colour that reads on white (WCAG AA). */
  linkColor: string;
  addressLines: string[];
  contactEmail: string | null;
  website: { url: string; label: string } | null;
  footerLines: string[];
}

const HEX = /^#[0-9a-fA-F]{6}$/;
export const NEUTRAL_PRIMARY = '#18181b';
const NEUTRAL_LINK = '#1d4ed8';
const WHITE = '#ffffff';
const BLACK = '#000000';

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const AA = 4.5;

/** Text without control characters (which also keeps the layout's internal slots unforgeable). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const printable = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');

const lines = (value: string | null | undefined, max: number) =>
  printable(value ?? '')
    .split(/\r?\n|\r/)
    .map((line) => line.trim().slice(0, 200))
    .filter(Boolean)
    .slice(0, max);

function websiteOf(value: string | null, origin: string) {
  if (!value || !isAllowedUrl(value, origin)) return null;
  const url = new URL(value.trim());
  if (url.protocol === 'mailto:') return null;
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return { url: url.href, label: `${url.host}${path}` };
}

export function resolveBrand(brand: EmailBrand): ResolvedBrand {
  let origin: string;
  try {
    const url = new URL(brand.origin);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    origin = url.origin;
  } catch {
    throw new TypeError(`brand.origin must be an absolute http(s) URL, got ${JSON.stringify(brand.origin)}`);
  }
  const primaryColor = isHexColor(brand.primaryColor) ? brand.primaryColor.toLowerCase() : NEUTRAL_PRIMARY;
  const onPrimaryColor =
    isHexColor(brand.onPrimaryColor) && contrastRatio(brand.onPrimaryColor, primaryColor) >= AA
      ? brand.onPrimaryColor.toLowerCase()
      : contrastRatio(WHITE, primaryColor) >= contrastRatio(BLACK, primaryColor)
        ? WHITE
        : BLACK;
  const linkColor =
    isHexColor(brand.accentColor) && contrastRatio(brand.accentColor, WHITE) >= AA
      ? brand.accentColor.toLowerCase()
      : contrastRatio(primaryColor, WHITE) >= AA
        ? primaryColor
        : NEUTRAL_LINK;
  const contactEmail =
    typeof brand.contactEmail === 'string' &&
    /^[^\s@<>"'()\\,;:]+@[^\s@<>"'()\\,;:]+\.[^\s@<>"'()\\,;:]+$/.test(brand.contactEmail.trim())
      ? brand.contactEmail.trim()
      : null;
  return {
    name: (brand.name ?? '')
      .replace(/[\r\n]+/g, ' ')
      .trim()
      .slice(0, 200),
    origin,
    logoUrl:
      brand.logoUrl && isAllowedUrl(brand.logoUrl, origin) && !/^\s*mailto:/i.test(brand.logoUrl)
        ? new URL(brand.logoUrl.trim()).href
        : null,
    primaryColor,
    onPrimaryColor,
    linkColor,
    addressLines: lines(brand.address, 6),
    contactEmail,
    website: websiteOf(brand.website, origin),
    footerLines: lines(brand.footer, 6),
  };
}
