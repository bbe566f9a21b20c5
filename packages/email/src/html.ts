/**
 * The HTML rules shared by the save-time check and the render-time clean-up: which links,
 * tags and attributes an email body may carry.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values (all of ours are quoted). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash ' +
  'Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml ' +
  'yacute thorn yuml';

/** Named references: the Latin-1 set (160–255) plus the punctuation our templates and tenants use. */
const NAMED_ENTITIES: Record<string, string> = {
  ...Object.fromEntries(LATIN1_NAMES.split(' ').map((name, i) => [name, String.fromCharCode(160 + i)])),
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  bull: '•',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  trade: '™',
  euro: '€',
  colon: ':',
  sol: '/',
  Tab: '\t',
  NewLine: '\n',
};

/** Decodes the character references a browser would decode (numeric and the common named ones). */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z][a-zA-Z0-9]*);?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return '\ufffd';
      }
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[ref] ?? NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

const originCache = new Map<string, string | null>();

function originOf(value: string): string | null {
  let origin = originCache.get(value);
  if (origin === undefined) {
    try {
      origin = new URL(value).origin;
    } catch {
      origin = null;
    }
    if (originCache.size > 1000) originCache.clear();
    originCache.set(value, origin);
  }
  return origin;
}

/**
 * The URL rule: absolute `https:` or `mailto:` links, or `http:` to the tenant's own origin
 * (development tenants live on `http://<slug>.localhost:3000`). Everything else — `javascript:`,
 * `data:`, relative links, other plain-http hosts — is refused.
 */
export function isAllowedUrl(raw: string, origin: string | null): boolean {
  const value = raw.trim();
  if (!value) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol === 'mailto:') return true;
  if (url.protocol === 'http:' && origin) return url.origin === originOf(origin);
  return false;
}

/** Elements an email body may never contain. */
export const FORBIDDEN_TAGS = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'base',
  'meta',
  'link',
  'style',
  'svg',
  'math',
];

/** Attributes whose value is a URL that a client may follow or load. */
export const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'background', 'poster', 'xlink:href'];

/** An opening or closing tag, with quoted attribute values that may contain `>`. */
export const TAG_PATTERN = /<\/?[a-zA-Z][^\s/>]*(?:"[^"]*"|'[^']*'|[^'">])*>/g;
/**
 * A whole tag, or a `<` that opens one never closed: left alone, the layout's next `>` would
 * close it, outside the reach of this clean-up.
 */
const TAG_OR_OPENING = new RegExp(`${TAG_PATTERN.source}|<(?=/?[a-zA-Z])`, 'g');
/** Where an unclosed tag starts, if anywhere. */
export function unclosedTagIndex(html: string): number | null {
  for (const match of html.matchAll(TAG_OR_OPENING)) if (match[0] === '<') return match.index ?? 0;
  return null;
}
export const FORBIDDEN_TAG_PATTERN = new RegExp(
  `<\\s*(/?)\\s*(${FORBIDDEN_TAGS.join('|')})(?=[\\s/>]|$)`,
  'gi',
);
const ATTRIBUTE_PATTERN = /([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

export function unquote(value: string): string {
  const first = value[0];
  if ((first === '"' || first === "'") && value.endsWith(first) && value.length >= 2)
    return value.slice(1, -1);
  return value;
}

/** A `style` value that loads something or hides code from this check. */
export function isDangerousStyle(value: string): boolean {
  return /url\s*\(|expression\s*\(|@import|javascript:|\\|behavio(u)?r\s*:|-moz-binding/i.test(
    decodeEntities(value),
  );
}

function cleanTag(tag: string, origin: string | null): string {
  const nameMatch = /^<\/?([a-zA-Z][^\s/>]*)/.exec(tag);
  if (!nameMatch || tag.startsWith('</')) return tag;
  const name = nameMatch[0];
  const rest = tag.slice(name.length, tag.endsWith('/>') ? -2 : -1);
  let changed = false;
  const kept: string[] = [];
  for (const match of rest.matchAll(ATTRIBUTE_PATTERN)) {
    const attr = (match[1] ?? '').toLowerCase();
    const raw = match[2];
    if (attr.startsWith('on') || attr === 'srcset') {
      changed = true;
      continue;
    }
    if (
      raw !== undefined &&
      URL_ATTRIBUTES.includes(attr) &&
      !isAllowedUrl(decodeEntities(unquote(raw)), origin)
    ) {
      changed = true;
      kept.push(`${match[1]}="#"`);
      continue;
    }
    if (raw !== undefined && attr === 'style' && isDangerousStyle(unquote(raw))) {
      changed = true;
      continue;
    }
    kept.push(match[0]);
  }
  if (!changed) return tag;
  return `${name}${kept.length ? ` ${kept.join(' ')}` : ''}${tag.endsWith('/>') ? ' />' : '>'}`;
}

/**
 * The render-time safety net for a rendered body: links and sources that break the URL rule
 * become `#`, event handlers and style that loads anything are dropped, forbidden elements are
 * shown as text. Tenant templates were checked when saved; this also covers markup assembled
 * from pieces at render time.
 */
export function sanitizeBody(html: string, origin: string | null): string {
  return html
    .replace(FORBIDDEN_TAG_PATTERN, (_m, slash: string, name: string) => `&lt;${slash}${name}`)
    .replace(TAG_OR_OPENING, (tag) => (tag === '<' ? '&lt;' : cleanTag(tag, origin)));
}

const BARE_TAG_STYLES: Record<string, string> = {
  p: 'margin:0 0 16px 0;',
  h1: 'margin:0 0 16px 0;font-size:24px;line-height:32px;font-weight:700;',
  h2: 'margin:0 0 12px 0;font-size:20px;line-height:28px;font-weight:700;',
  h3: 'margin:0 0 8px 0;font-size:17px;line-height:24px;font-weight:700;',
  ul: 'margin:0 0 16px 0;padding:0 0 0 24px;',
  ol: 'margin:0 0 16px 0;padding:0 0 0 24px;',
  li: 'margin:0 0 4px 0;',
  blockquote:
    'margin:0 0 16px 0;padding:12px 16px;border-left:4px solid #e4e4e7;background-color:#fafafa;color:#3f3f46;',
  hr: 'border:0;border-top:1px solid #e4e4e7;margin:24px 0;',
};

/**
 * Gives plain tags the inline styles mail clients need (many ignore `<style>`), and links the
 * agency's readable link colour.
 */
export function inlineStyles(html: string, linkColor: string): string {
  return html
    .replace(/<(p|h1|h2|h3|ul|ol|li|blockquote|hr)>/gi, (whole, tag: string) => {
      const style = BARE_TAG_STYLES[tag.toLowerCase()];
      return style ? `<${tag} style="${style}">` : whole;
    })
    .replace(/<a(\s(?:"[^"]*"|'[^']*'|[^'">])*)?>/gi, (whole, attrs: string | undefined) =>
      attrs && /\sstyle\s*=/i.test(attrs) ? whole : `<a${attrs ?? ''} style="color:${linkColor};">`,
    );
}
