import { describe, expect, it } from 'vitest';
import { htmlToText } from './index';

describe('htmlToText', () => {
  it('separates paragraphs with blank lines and keeps line breaks', () => {
    expect(htmlToText('<p>Hello   there,\n  friend</p>\n<p>Line one<br>Line two</p>')).toBe(
      'Hello there, friend\n\nLine one\nLine two',
    );
  });

  it('writes links as label: url on their own, label (url) inside a sentence', () => {
    expect(htmlToText('<p><a href="https://a.example/x?y=1&amp;z=2">Open it</a></p>')).toBe(
      'Open it: https://a.example/x?y=1&z=2',
    );
    expect(htmlToText('<p>Read <a href="https://a.example/terms">our terms</a> first.</p>')).toBe(
      'Read our terms (https://a.example/terms) first.',
    );
    expect(htmlToText('<p><a href="https://a.example/">https://a.example/</a></p>')).toBe(
      'https://a.example/',
    );
    expect(htmlToText('<p><a href="mailto:hi@a.example">hi@a.example</a></p>')).toBe('hi@a.example');
    expect(htmlToText('<p><a href="#">Nowhere</a></p>')).toBe('Nowhere');
  });

  it('turns a button into label: url', () => {
    const button =
      '<table role="presentation"><tr><td bgcolor="#000000"><a href="https://a.example/go" style="color:#fff">Go now</a></td></tr></table>';
    expect(htmlToText(`<p>Before</p>${button}<p>After</p>`)).toBe(
      'Before\n\nGo now: https://a.example/go\n\nAfter',
    );
  });

  it('lists items with dashes and quotes with >', () => {
    expect(htmlToText('<p>Items:</p><ul><li>One</li><li>Two <strong>bold</strong></li></ul><p>End</p>')).toBe(
      'Items:\n\n- One\n- Two bold\n\nEnd',
    );
    expect(htmlToText('<blockquote>Looks good.<br>Thanks!</blockquote>')).toBe('> Looks good.\n> Thanks!');
  });

  it('decodes entities and drops what is not text', () => {
    expect(
      htmlToText(
        '<style>p{}</style><p>Fish &amp; chips &lt;3 &#x27;yes&#39; &quot;q&quot; caf&eacute;&nbsp;&middot; &#8364;5 &unknown;</p><!-- hidden --><script>x()</script>',
      ),
    ).toBe('Fish & chips <3 \'yes\' "q" café · €5 &unknown;');
  });
});
