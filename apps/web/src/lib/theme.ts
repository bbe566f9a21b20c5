import type { Theme } from '@foyer/core';

/** The cookie that remembers a visitor's own choice of theme over the agency's default. */
export const THEME_COOKIE = 'theme';

const CHOICES: readonly Theme[] = ['light', 'dark', 'system'];

/** A stored or submitted choice, or null for anything else. */
export function themeChoice(value: unknown): Theme | null {
  return typeof value === 'string' && (CHOICES as readonly string[]).includes(value)
    ? (value as Theme)
    : null;
}

export const THEME_LABELS: Record<Theme, string> = { light: 'Light', dark: 'Dark', system: 'System' };
export const THEME_CHOICES = CHOICES;
