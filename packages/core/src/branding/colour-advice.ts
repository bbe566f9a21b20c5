import { AA_NORMAL, contrastRatio, HEX_COLOR, textColorOn } from './contrast';

/**
 * The page backgrounds of each theme (app.css's --surface and --canvas): the primary colour is
 * drawn straight on them as text (invoice titles, the current-page marker, links' underlines).
 */
export const THEME_BACKGROUNDS = {
  light: ['#ffffff', '#f6f7f9'],
  dark: ['#15171c', '#0c0d10'],
} as const;

/** Below this, text in a colour is refused: WCAG's floor for large text and interface parts. */
export const TEXT_MINIMUM = 3;

export type ThemeName = keyof typeof THEME_BACKGROUNDS;

/** The themes a tenant's pages are shown in: "system" follows each visitor, so both. */
export function themesShown(theme: string): ThemeName[] {
  if (theme === 'dark') return ['dark'];
  if (theme === 'system') return ['light', 'dark'];
  return ['light'];
}

export interface ColourAdvice {
  /** Colours that would make text unreadable: the settings are refused. */
  errors: Record<string, string>;
  /** Colours below WCAG AA: saved, with this advice next to the field. */
  warnings: Record<string, string>;
}

const ratio = (value: number) => `${value.toFixed(2).replace(/\.?0+$/, '')}:1`;

/** The lowest contrast of `colour` against the backgrounds of the themes in use, and where. */
function worstAgainstPages(colour: string, theme: string): { ratio: number; theme: ThemeName } {
  let worst = { ratio: Number.POSITIVE_INFINITY, theme: 'light' as ThemeName };
  for (const shown of themesShown(theme)) {
    for (const background of THEME_BACKGROUNDS[shown]) {
      const against = contrastRatio(colour, background);
      if (against < worst.ratio) worst = { ratio: against, theme: shown };
    }
  }
  return worst;
}

/**
 * Contrast rules for a set of brand colours, by field, for the theme(s) the pages are shown in.
 *
 * - The primary colour is text on the page (invoice titles, links, the current-page marker):
 *   under 3:1 against a page of a theme in use it is refused, under 4.5:1 (AA) it is saved with a
 *   warning.
 * - Text on the primary and accent colours, and on the sign-in background, is white or near-black,
 *   whichever contrasts more (`textColorOn`); some mid-tones reach AA with neither: a warning.
 *   (The better of the two never falls below 4.1:1, so this never refuses.)
 *
 * The browser repeats these rules for the live advice (apps/web's `colourAdvice`); a test holds
 * the two to the same answers.
 */
export function brandColourAdvice(values: {
  primaryColor: string;
  accentColor: string;
  theme: string;
  loginBackground?: string;
}): ColourAdvice {
  const errors: Record<string, string> = {};
  const warnings: Record<string, string> = {};

  const primary = values.primaryColor;
  if (HEX_COLOR.test(primary)) {
    const page = worstAgainstPages(primary, values.theme);
    const shade = page.theme === 'dark' ? 'lighter' : 'darker';
    const text = textColorOn(primary);
    if (page.ratio < TEXT_MINIMUM) {
      errors.primaryColor =
        `On a ${page.theme} page this primary colour reaches only ${ratio(page.ratio)} contrast, too faint ` +
        `for the text and links drawn in it. Choose a ${shade} shade: at least 3:1 is needed, 4.5:1 reads well.`;
    } else if (page.ratio < AA_NORMAL) {
      warnings.primaryColor =
        `Text in this primary colour, such as invoice titles, reaches only ${ratio(page.ratio)} contrast on a ` +
        `${page.theme} page; WCAG AA asks for 4.5:1. A ${shade} shade reads better.`;
    } else if (!text.meetsAA) {
      warnings.primaryColor =
        `Text on this primary colour reaches only ${ratio(text.ratio)} contrast with white or dark text; ` +
        'WCAG AA asks for 4.5:1. Choose a darker or lighter shade.';
    }
  }

  const accent = values.accentColor;
  if (HEX_COLOR.test(accent)) {
    const text = textColorOn(accent);
    if (!text.meetsAA) {
      warnings.accentColor =
        `Text on this accent colour reaches only ${ratio(text.ratio)} contrast with white or dark text; ` +
        'WCAG AA asks for 4.5:1. Choose a darker or lighter shade.';
    }
  }

  const background = values.loginBackground ?? '';
  if (HEX_COLOR.test(background)) {
    // The sign-in card sits on the background; the name and links around it are plain text.
    const text = textColorOn(background);
    if (!text.meetsAA) {
      warnings.loginBackground = `Text on this background reaches only ${ratio(text.ratio)} contrast; WCAG AA asks for 4.5:1.`;
    }
  }
  return { errors, warnings };
}
