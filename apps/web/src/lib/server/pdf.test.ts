import { describe, expect, it } from 'vitest';
import { contentDisposition } from './pdf';

describe('contentDisposition', () => {
  it('sends an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('Approval record – Café menu.pdf')).toBe(
      `attachment; filename="Approval record _ Cafe menu.pdf"; filename*=UTF-8''Approval%20record%20%E2%80%93%20Caf%C3%A9%20menu.pdf`,
    );
  });

  it('cannot be broken out of by quotes, backslashes or line breaks in the name', () => {
    const header = contentDisposition('a"b\\c\r\nSet-Cookie: x=1.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="a_b_c__Set-Cookie: x=1.pdf"; ')).toBe(true);
    expect(header).toContain(`filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1.pdf`);
  });

  it('falls back to a plain name when nothing printable is left', () => {
    expect(contentDisposition('\u2603')).toMatch(/^attachment; filename="_"; /);
  });
});
