import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders the Markdown people write', () => {
    const html = renderMarkdown('**Bold** and _em_\n\n- one\n- two\n\n`code`');
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code>code</code>');
  });

  it('shows raw HTML as text, never as markup', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img');
  });

  it('keeps http(s) and mailto links, opened without the opener, and drops javascript: links', () => {
    const html = renderMarkdown('[site](https://example.com) [bad](javascript:alert(1)) [m](mailto:a@b.c)');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('href="mailto:a@b.c"');
    expect(html).not.toContain('javascript:');
  });

  it('drops event handlers and styles however they are smuggled', () => {
    const html = renderMarkdown(
      '[x](https://a.example "t\\" onmouseover=\\"alert(1)")\n\n<a href="https://a" onclick="x">y</a>',
    );
    // Quoted inside a title the text is harmless; as an attribute it would not be.
    expect(html).not.toMatch(/<[^>]*\s(on\w+|style)="/);
    expect(html).toContain('&lt;a href="https://a" onclick="x"&gt;');
  });

  it('gives nothing for blank input', () => {
    expect(renderMarkdown('')).toBe('');
    expect(renderMarkdown('   \n')).toBe('');
    expect(renderMarkdown(null)).toBe('');
  });
});
