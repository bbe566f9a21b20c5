import { describe, expect, it } from 'vitest';
import { excerptOf } from './common';

describe('excerptOf', () => {
  it('keeps the words and punctuation, drops Markdown marks, and shortens long text', () => {
    expect(excerptOf('Looks **good**! One question: is `v2` final?')).toBe(
      'Looks good! One question: is v2 final?',
    );
    expect(excerptOf('# Plan\n\n- first [link](https://example.com)\n> quoted')).toBe(
      'Plan first link quoted',
    );
    expect(excerptOf('a'.repeat(200), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});
