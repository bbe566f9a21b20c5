import { describe, expect, it } from 'vitest';
import { contrastRatio, isHexColor, relativeLuminance, textColorOn } from './contrast';

describe('brand colours', () => {
  it('accepts #rrggbb only', () => {
    expect(isHexColor('#1A2b3C')).toBe(true);
    for (const bad of [
      'red',
      '#fff',
      '#12345g',
      'red;background:url(x)',
      '#123456;',
      ' #123456',
      '#1234567',
    ]) {
      expect(isHexColor(bad), bad).toBe(false);
    }
  });

  it('computes WCAG relative luminance and contrast', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    // WebAIM's checker gives 4.54:1 for #767676 on white, the lightest grey that passes AA.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
  });

  it('picks the text colour with more contrast and says whether it reaches AA', () => {
    expect(textColorOn('#1e3a8a')).toMatchObject({ color: '#ffffff', meetsAA: true });
    expect(textColorOn('#fde047')).toMatchObject({ color: '#111827', meetsAA: true });
    const pick = textColorOn('#0ea5e9');
    expect(pick.ratio).toBeGreaterThan(
      contrastRatio('#0ea5e9', pick.color === '#ffffff' ? '#111827' : '#ffffff'),
    );
  });

  it('rejects anything that is not a colour before it reaches CSS', () => {
    expect(() => relativeLuminance('red;background:url(//evil)')).toThrow(TypeError);
  });
});
