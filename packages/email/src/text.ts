import { decodeEntities, unquote } from './html';

/**
 * The plain-text part, from the rendered body. Covers the HTML our templates use: paragraphs,
 * line breaks, headings, lists, quotes, links and tables (the button). Links read
 * `label: url` when they start a line and `label (url)` inside a sentence.
 */

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'table',
  'tbody',
  'thead',
  'tr',
  'td',
  'th',
  'blockquote',
  'section',
  'article',
  'header',
  'footer',
  'center',
]);
const SKIP_TAGS = new Set(['head', 'style', 'script', 'title']);
const TOKEN_PATTERN = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^\s/>]*(?:"[^"]*"|'[^']*'|[^'">])*>|[^<]+|</g;
const HREF_PATTERN = /\shref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/i;

interface Block {
  text: string;
  listItem: boolean;
  quoted: boolean;
}

export function htmlToText(html: string): string {
  const blocks: Block[] = [];
  let current = '';
  let listItem = false;
  let quoteDepth = 0;
  let skipping: string | null = null;
  const anchors: { href: string | null; start: number; lineStart: boolean }[] = [];

  const flush = () => {
    const text = current
      .split('\n')
      .map((line) => line.replace(/[ \t\f\r\u00a0]+/g, ' ').trim())
      .join('\n')
      .replace(/^\n+|\n+$/g, '');
    if (text && text !== '-') blocks.push({ text, listItem, quoted: quoteDepth > 0 });
    current = '';
    listItem = false;
  };

  for (const match of html.matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    if (token.startsWith('<!--')) continue;
    if (token === '<' || !token.startsWith('<')) {
      if (!skipping) current += decodeEntities(token).replace(/\s+/g, ' ');
      continue;
    }
    const closing = token.startsWith('</');
    const name = (/^<\/?([a-zA-Z][^\s/>]*)/.exec(token)?.[1] ?? '').toLowerCase();
    if (skipping) {
      if (closing && name === skipping) skipping = null;
      continue;
    }
    if (SKIP_TAGS.has(name)) {
      if (!closing && !token.endsWith('/>')) skipping = name;
      continue;
    }
    if (name === 'br') {
      current += '\n';
    } else if (name === 'hr') {
      flush();
      blocks.push({ text: '---', listItem: false, quoted: quoteDepth > 0 });
    } else if (name === 'li') {
      flush();
      if (!closing) {
        listItem = true;
        current = '- ';
      }
    } else if (name === 'a') {
      if (!closing) {
        const raw = HREF_PATTERN.exec(token)?.[1];
        const href = raw === undefined ? null : decodeEntities(unquote(raw)).trim();
        const line = current.slice(current.lastIndexOf('\n') + 1).trim();
        anchors.push({ href, start: current.length, lineStart: line === '' || line === '-' });
      } else {
        const anchor = anchors.pop();
        if (anchor?.href && anchor.href !== '#') {
          const label = current.slice(anchor.start).replace(/\s+/g, ' ').trim();
          const shown = anchor.href.replace(/^mailto:/i, '');
          if (!label) current += anchor.href;
          else if (label !== anchor.href && label !== shown) {
            current += anchor.lineStart ? `: ${anchor.href}` : ` (${anchor.href})`;
          }
        }
      }
    } else if (BLOCK_TAGS.has(name)) {
      flush();
      if (name === 'blockquote') quoteDepth = Math.max(0, quoteDepth + (closing ? -1 : 1));
    }
  }
  flush();

  let out = '';
  blocks.forEach((block, i) => {
    const text = block.quoted
      ? block.text
          .split('\n')
          .map((line) => `> ${line}`)
          .join('\n')
      : block.text;
    if (i > 0) out += block.listItem && blocks[i - 1]?.listItem ? '\n' : '\n\n';
    out += text;
  });
  return out;
}
