import { brandColourAdvice, textColorOn } from '@foyer/core';
import { describe, expect, it } from 'vitest';
import { brandStyle, colourAdvice, textOn } from './branding';

// The browser repeats core's contrast rules for the live preview; they must never disagree.
const samples = [
  '#ffff00',
  '#1e3a8a',
  '#0ea5e9',
  '#7a7a7a',
  '#fde047',
  '#0f766e',
  '#ffffff',
  '#000000',
  '#4f46e5',
  '#3b82f6',
  '#2563eb',
  '#7c3aed',
  '#0d9488',
  '#60a5fa',
];

describe('contrast advice in the browser', () => {
  it('agrees with core for every theme and colour', () => {
    for (const theme of ['light', 'dark', 'system']) {
      for (const primaryColor of samples) {
        for (const accentColor of samples) {
          const values = { primaryColor, accentColor, theme, loginBackground: accentColor };
          expect(colourAdvice(values), JSON.stringify(values)).toEqual(brandColourAdvice(values));
        }
      }
    }
  });

  it('picks the same text colour as core', () => {
    for (const colour of samples) expect(textOn(colour)).toBe(textColorOn(colour).color);
  });
});

describe('brandStyle', () => {
  it('sets the sign-in background only when it is a #rrggbb colour', () => {
    const base = {
      primaryColor: '#1e3a8a',
      onPrimaryColor: '#ffffff',
      accentColor: '#fde047',
      onAccentColor: '#111827',
    };
    const style = brandStyle({ ...base, loginBackground: '#f1f5f9' } as Parameters<typeof brandStyle>[0]);
    expect(style).toContain('--brand-login-background: #f1f5f9');
    const bad = brandStyle({ ...base, loginBackground: 'red;background:url(x)' } as Parameters<
      typeof brandStyle
    >[0]);
    expect(bad).not.toContain('login');
  });
});
