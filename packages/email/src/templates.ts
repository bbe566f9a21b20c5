import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTemplateKey, type TemplateKey } from './registry';

/** A template's editable parts: what the settings UI shows and what a tenant may override. */
export interface TemplateSource {
  subject: string;
  body: string;
}

export interface TemplateFile extends TemplateSource {
  /** The leading `{{!-- … --}}` comment: what the email is for and its variables. */
  doc: string;
}

/**
 * Reads the `.hbs` file format: an optional leading `{{!-- … --}}` comment, then a
 * `subject: …` line, a `---` line, and the body.
 */
export function parseTemplateFile(source: string, name = 'template'): TemplateFile {
  let rest = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let doc = '';
  const trimmed = rest.trimStart();
  if (trimmed.startsWith('{{!--')) {
    const end = trimmed.indexOf('--}}');
    if (end < 0) throw new Error(`${name}: the leading {{!-- comment is not closed`);
    doc = trimmed.slice(5, end).trim();
    rest = trimmed.slice(end + 4);
  }
  rest = rest.replace(/^\n+/, '');
  const match = /^subject:[ \t]*(.*)\n---[ \t]*\n/.exec(rest);
  if (!match) throw new Error(`${name}: expected a "subject: …" line followed by a "---" line`);
  return { doc, subject: (match[1] ?? '').trim(), body: rest.slice(match[0].length).trim() };
}

function readTemplateAsset(file: string): string {
  // ../templates sits next to both src/ (tests) and dist/ (the built package).
  return readFileSync(fileURLToPath(new URL(`../templates/${file}`, import.meta.url)), 'utf8');
}

const files = new Map<TemplateKey, TemplateFile>();

/** The default template of an email, read from `templates/<key>.hbs` once. */
export function templateFile(key: TemplateKey): TemplateFile {
  if (!isTemplateKey(key)) throw new TypeError(`unknown email template ${JSON.stringify(key)}`);
  let file = files.get(key);
  if (!file) {
    file = parseTemplateFile(readTemplateAsset(`${key}.hbs`), `${key}.hbs`);
    files.set(key, file);
  }
  return file;
}

/** The default subject and body of an email, as Handlebars sources. */
export function defaultTemplate(key: TemplateKey): TemplateSource {
  const { subject, body } = templateFile(key);
  return { subject, body };
}

let layout: string | null = null;

/** The platform-owned branded frame (`templates/_layout.hbs`), without its doc comment. */
export function layoutSource(): string {
  if (layout === null) {
    layout = readTemplateAsset('_layout.hbs')
      .replace(/^\s*\{\{!--[\s\S]*?--\}\}\s*/, '')
      .trim();
  }
  return layout;
}
