/** Brand colours are exactly `#rrggbb`: nothing else reaches CSS or the database. */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: string): boolean {
  return HEX_COLOR.test(value);
}

const channel = (hex: string, offset: number) => {
  const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG 2.x relative luminance of a `#rrggbb` colour. */
export function relativeLuminance(hex: string): number {
  if (!isHexColor(hex)) throw new TypeError(`not a #rrggbb colour: ${hex}`);
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG contrast ratio, from 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** AA for normal text. */
export const AA_NORMAL = 4.5;

/**
 * The text colour for a background: white or near-black, whichever contrasts more. Some mid-tones
 * reach AA with neither; `meetsAA` says so, and the branding settings warn about it.
 */
export function textColorOn(background: string): { color: string; ratio: number; meetsAA: boolean } {
  const light = '#ffffff';
  const dark = '#111827';
  const onLight = contrastRatio(background, light);
  const onDark = contrastRatio(background, dark);
  const [color, ratio] = onLight >= onDark ? [light, onLight] : [dark, onDark];
  return { color, ratio, meetsAA: ratio >= AA_NORMAL };
}
