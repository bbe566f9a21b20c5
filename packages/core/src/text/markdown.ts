import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown written by people (task descriptions, comments) to HTML that is safe to put in a page.
 * `marked` parses; raw HTML in the source is shown as text, never passed through; then
 * `sanitize-html` keeps only the tags and attributes Markdown itself produces, with links limited
 * to http(s) and mailto and opened without the page's opener. The two layers are independent: a
 * parser bug that lets markup through still meets the allowlist.
 */
const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in the source is text, escaped like any other.
    html: ({ text }) => escapeHtml(text),
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    // GFM task lists render as disabled checkboxes.
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
  },
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
};
// The transform adds rel and target after the allowlist is read, so they must be allowed too.
(SANITIZE.allowedAttributes as Record<string, string[]>).a = ['href', 'title', 'rel', 'target'];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markdown to sanitised HTML. Empty or blank input gives ''. */
export function renderMarkdown(source: string | null | undefined): string {
  if (!source || source.trim() === '') return '';
  const html = marked.parse(source) as string;
  return sanitizeHtml(html, SANITIZE);
}
