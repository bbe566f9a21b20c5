import { describe, expect, it } from 'vitest';
import { brandColourAdvice, themesShown } from './colour-advice';

const advice = (primaryColor: string, theme: string, accentColor = '#1e3a8a', loginBackground = '') =>
  brandColourAdvice({ primaryColor, accentColor, theme, loginBackground });

describe('brand colour advice', () => {
  it('checks the themes the pages are shown in: "system" means both', () => {
    expect(themesShown('light')).toEqual(['light']);
    expect(themesShown('dark')).toEqual(['dark']);
    expect(themesShown('system')).toEqual(['light', 'dark']);
  });

  it('accepts a primary colour that reads well on the theme in use', () => {
    expect(advice('#1e3a8a', 'light')).toEqual({ errors: {}, warnings: {} });
    expect(advice('#3b82f6', 'dark')).toEqual({ errors: {}, warnings: {} });
  });

  it('refuses a primary colour under 3:1 on a page of the theme, naming the theme and figure', () => {
    // Deep blue is fine on white and nearly invisible on the dark theme's #15171c (1.73:1).
    const dark = advice('#1e3a8a', 'dark');
    expect(dark.errors.primaryColor).toMatch(/dark page .* 1\.73:1/);
    expect(dark.errors.primaryColor).toContain('lighter shade');
    expect(dark.warnings).toEqual({});
    // Yellow on the light theme's #f6f7f9 canvas: nothing at all.
    expect(advice('#ffff00', 'light').errors.primaryColor).toMatch(/light page .* 1:1 /);
    // On "system" either page may be the one: the faint one decides.
    expect(advice('#1e3a8a', 'system').errors.primaryColor).toMatch(/dark page/);
    expect(advice('#ffff00', 'system').errors.primaryColor).toMatch(/light page/);
  });

  it('warns, without refusing, between 3:1 and AA (4.5:1)', () => {
    // The teal of the Bluefin demo is 3.28:1 on the dark theme's surface: its invoice title.
    const teal = advice('#0f766e', 'dark');
    expect(teal.errors).toEqual({});
    expect(teal.warnings.primaryColor).toMatch(/invoice titles.*3\.28:1 .*dark page.*4\.5:1/);
    // The same teal on light pages is fine.
    expect(advice('#0f766e', 'light')).toEqual({ errors: {}, warnings: {} });
    // Blue-500 on light: 3.43:1 against the light canvas.
    const blue = advice('#3b82f6', 'light');
    expect(blue.errors).toEqual({});
    expect(blue.warnings.primaryColor).toMatch(/3\.43:1 .*light page/);
  });

  it('still warns about text on a mid-tone that reaches AA with neither white nor dark text', () => {
    const grey = advice('#1e3a8a', 'light', '#7a7a7a', '#7a7a7a');
    expect(grey.errors).toEqual({});
    expect(grey.warnings.accentColor).toMatch(/accent colour .*4\.5:1/);
    expect(grey.warnings.loginBackground).toMatch(/4\.5:1/);
  });

  it('leaves colours that are not #rrggbb to validation', () => {
    expect(advice('red', 'light', 'blue', '#fff')).toEqual({ errors: {}, warnings: {} });
  });
});
