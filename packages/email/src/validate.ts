import { BLOCK_HELPERS, INLINE_HELPERS, parse, precompile } from './engine';
import {
  decodeEntities,
  FORBIDDEN_TAG_PATTERN,
  isDangerousStyle,
  TAG_PATTERN,
  URL_ATTRIBUTES,
  unclosedTagIndex,
  unquote,
} from './html';

export type TemplateField = 'subject' | 'body';

/** Why a template cannot be saved: the field, the line in that field, and a sentence for people. */
export interface TemplateProblem {
  field: TemplateField;
  line: number;
  reason: string;
}

export const MAX_SOURCE_CHARS = 20_000;
export const MAX_BLOCK_DEPTH = 12;
export const MAX_NODES = 2_000;

/** Names that reach into JavaScript's object machinery rather than the email's data. */
const FORBIDDEN_SEGMENTS = new Set(['constructor', 'prototype', '__proto__']);

const HELPER_LIST = 'button, date and money, and the blocks #if, #unless, #each and #with';
const HELPER_USAGE: ReadonlyMap<string, string> = new Map([
  ['button', '{{button resetUrl "Reset password"}}'],
  ['date', '{{date dueDate}}'],
  ['money', '{{money amountMinor currency}}'],
]);

const lineAt = (source: string, index: number) => {
  let line = 1;
  for (let i = 0; i < index && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
};

const keepNewlines = (text: string) => text.replace(/[^\n]/g, '');

/** The source without comments, which never render: line numbers are kept. */
function withoutComments(source: string): string {
  return source.replace(/\{\{~?!--[\s\S]*?--~?\}\}|\{\{~?![\s\S]*?\}\}/g, keepNewlines);
}

/**
 * The source with every `{{…}}` removed (line numbers kept), to catch markup assembled around
 * expressions, such as `<scr{{x}}ipt>` or `on{{x}}click=`.
 */
function withoutExpressions(source: string): string {
  return source.replace(/\{\{[\s\S]*?\}\}/g, keepNewlines);
}

function rawSyntax(field: TemplateField, source: string): TemplateProblem | null {
  const checks: [RegExp, string][] = [
    [/\{\{\{|\{\{~\{/, 'Triple braces {{{…}}} insert raw HTML and are not allowed; use {{…}} instead.'],
    [/\{\{~?\s*&/, '{{&…}} inserts raw HTML and is not allowed; use {{…}} instead.'],
    [/\{\{~?\s*#?\s*>/, 'Partials ({{> …}}) are not available in email templates.'],
    [/\{\{~?\s*#?\s*\*/, 'Decorators ({{* …}}) are not available in email templates.'],
  ];
  for (const [pattern, reason] of checks) {
    const match = pattern.exec(source);
    if (match) return { field, line: lineAt(source, match.index), reason };
  }
  return null;
}

function htmlRules(source: string): { index: number; reason: string } | null {
  const visible = withoutComments(source);
  for (const text of [visible, withoutExpressions(visible)]) {
    FORBIDDEN_TAG_PATTERN.lastIndex = 0;
    const tag = FORBIDDEN_TAG_PATTERN.exec(text);
    if (tag) {
      return { index: tag.index, reason: `<${tag[2]?.toLowerCase()}> is not allowed in email templates.` };
    }
    const unclosed = unclosedTagIndex(text);
    if (unclosed !== null) {
      return {
        index: unclosed,
        reason: 'An HTML tag is not closed (a > is missing); write &lt; for a plain "<".',
      };
    }
    for (const match of text.matchAll(TAG_PATTERN)) {
      const problem = tagProblem(match[0], text === visible);
      if (problem) return { index: match.index ?? 0, reason: problem };
    }
  }
  return null;
}

const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|\{\{[\s\S]*?\}\}|[^\s"'=<>`]+))?/g;

function tagProblem(tag: string, withExpressions: boolean): string | null {
  const name = /^<\/?[a-zA-Z][^\s/>]*/.exec(tag)?.[0] ?? '';
  for (const match of tag.slice(name.length).matchAll(ATTRIBUTE)) {
    const attr = (match[1] ?? '').toLowerCase();
    const raw = match[2];
    if (/^on[a-z]/.test(attr)) return `Event handler attributes such as ${attr}= are not allowed.`;
    if (attr === 'srcset') return 'srcset= is not allowed; use a single src="https://…".';
    if (raw === undefined) continue;
    const quoted = raw.startsWith('"') || raw.startsWith("'");
    if (!quoted && raw.startsWith('{{')) {
      return `Put quotes around attribute values that use {{…}}, e.g. ${attr}="${raw}".`;
    }
    const value = decodeEntities(unquote(raw)).trim();
    if (attr === 'style' && isDangerousStyle(value)) {
      return 'style= must not load anything: url(…), expression(…), @import and backslashes are not allowed.';
    }
    if (
      withExpressions &&
      URL_ATTRIBUTES.includes(attr) &&
      !value.startsWith('{{') &&
      !/^(https|mailto):/i.test(value)
    ) {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `Links must start with https: or mailto:, or be a variable such as {{resetUrl}} (found ${attr}="${shown}").`;
    }
  }
  return null;
}

type Node = hbs.AST.Node & { [key: string]: unknown };

class Problem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const lineOf = (node: hbs.AST.Node) => node.loc?.start?.line ?? 1;

function helperName(path: hbs.AST.Node): string | null {
  if (path.type !== 'PathExpression') return null;
  const p = path as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && p.original === p.parts[0]
    ? (p.parts[0] ?? null)
    : null;
}

function describe(path: hbs.AST.Node): string {
  if (path.type === 'PathExpression') return (path as hbs.AST.PathExpression).original;
  const literal = path as hbs.AST.Node & { original?: unknown };
  return String(literal.original ?? path.type);
}

/** Walks the parsed template and refuses whatever the email engine does not offer. */
function walkAst(program: hbs.AST.Program, field: TemplateField): void {
  let nodes = 0;

  const count = (node: hbs.AST.Node) => {
    nodes += 1;
    if (nodes > MAX_NODES) {
      throw new Problem(
        lineOf(node),
        `The template is too complex (more than ${MAX_NODES.toLocaleString('en-US')} parts).`,
      );
    }
  };

  const checkPath = (node: hbs.AST.PathExpression) => {
    for (const part of node.parts) {
      if (FORBIDDEN_SEGMENTS.has(part) || part.startsWith('__')) {
        throw new Problem(lineOf(node), `"${part}" is not an available variable.`);
      }
    }
  };

  const expression = (node: hbs.AST.Node) => {
    count(node);
    switch (node.type) {
      case 'PathExpression':
        checkPath(node as hbs.AST.PathExpression);
        return;
      case 'SubExpression': {
        const sub = node as hbs.AST.SubExpression;
        call(sub, 'inline', true);
        return;
      }
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
      case 'UndefinedLiteral':
      case 'NullLiteral':
        return;
      default:
        throw new Problem(lineOf(node), `Unsupported expression (${node.type}).`);
    }
  };

  const call = (
    node: hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement,
    kind: 'inline' | 'block',
    nested: boolean,
  ) => {
    const name = helperName(node.path);
    const line = lineOf(node);
    const params = node.params ?? [];
    const pairs = node.hash?.pairs ?? [];
    if (kind === 'block') {
      if (!name || !BLOCK_HELPERS.includes(name)) {
        throw new Problem(
          line,
          `Unknown block "#${describe(node.path)}". Blocks available: #if, #unless, #each and #with.`,
        );
      }
      if (params.length !== 1) {
        throw new Problem(line, `#${name} takes exactly one value, e.g. {{#${name} items}}.`);
      }
      const subject = params[0]?.type;
      if (
        (name === 'each' || name === 'with') &&
        subject !== 'PathExpression' &&
        subject !== 'SubExpression'
      ) {
        throw new Problem(line, `#${name} needs a variable, e.g. {{#${name} messages}}, not a fixed value.`);
      }
    } else {
      if (name && BLOCK_HELPERS.includes(name)) {
        throw new Problem(line, `"${name}" must be used as a block: {{#${name} …}}…{{/${name}}}.`);
      }
      const arity = name ? INLINE_HELPERS.get(name) : undefined;
      if (!name || arity === undefined) {
        throw new Problem(line, `Unknown helper "${describe(node.path)}". Available: ${HELPER_LIST}.`);
      }
      if (params.length !== arity) {
        throw new Problem(line, `"${name}" takes ${arity} value(s), e.g. ${HELPER_USAGE.get(name)}.`);
      }
      if (name === 'button' && (nested || field === 'subject')) {
        throw new Problem(
          line,
          'Buttons belong on their own in the body, e.g. {{button invoiceUrl "View invoice"}}.',
        );
      }
    }
    for (const pair of pairs) {
      if (!(kind === 'block' && (name === 'if' || name === 'unless') && pair.key === 'includeZero')) {
        throw new Problem(lineOf(pair), `"${pair.key}=" is not an option of ${name ?? 'this helper'}.`);
      }
      count(pair);
      expression(pair.value);
    }
    for (const param of params) expression(param);
  };

  const statements = (body: hbs.AST.Statement[], depth: number) => {
    for (const node of body) statement(node as Node, depth);
  };

  const statement = (node: Node, depth: number) => {
    count(node);
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const mustache = node as unknown as hbs.AST.MustacheStatement;
        if (mustache.escaped === false) {
          throw new Problem(
            lineOf(node),
            'Triple braces {{{…}}} and {{&…}} insert raw HTML and are not allowed.',
          );
        }
        const hasArguments = (mustache.params?.length ?? 0) > 0 || (mustache.hash?.pairs.length ?? 0) > 0;
        const name = helperName(mustache.path);
        if (hasArguments || (name && (INLINE_HELPERS.has(name) || BLOCK_HELPERS.includes(name)))) {
          call(mustache, 'inline', false);
        } else if (mustache.path.type === 'PathExpression') {
          expression(mustache.path);
        } else {
          count(mustache.path);
        }
        return;
      }
      case 'BlockStatement': {
        const block = node as unknown as hbs.AST.BlockStatement;
        if (depth + 1 > MAX_BLOCK_DEPTH) {
          throw new Problem(
            lineOf(node),
            `Blocks are nested too deeply (more than ${MAX_BLOCK_DEPTH} levels).`,
          );
        }
        call(block, 'block', false);
        if (block.program) statements(block.program.body, depth + 1);
        if (block.inverse) statements(block.inverse.body, depth + 1);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        throw new Problem(lineOf(node), 'Partials ({{> …}}) are not available in email templates.');
      case 'Decorator':
      case 'DecoratorBlock':
        throw new Problem(lineOf(node), 'Decorators ({{* …}}) are not available in email templates.');
      default:
        throw new Problem(lineOf(node), `Unsupported template element (${node.type}).`);
    }
  };

  statements(program.body, 0);
}

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'the end of the template',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  OPEN: '{{',
  OPEN_ENDBLOCK: '{{/…}}',
  OPEN_BLOCK: '{{#…}}',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else …}}',
  ID: 'a name',
  STRING: 'a quoted text',
  NUMBER: 'a number',
  INVALID: 'a character that is not allowed here',
  OPEN_SEXPR: '(',
  CLOSE_SEXPR: ')',
  EQUALS: '=',
  SEP: '.',
  DATA: 'an @name',
  CONTENT: 'text',
};

const tokenName = (token: string) =>
  (Object.hasOwn(TOKEN_NAMES, token) ? TOKEN_NAMES[token] : undefined) ??
  token.toLowerCase().replace(/_/g, ' ');

/** Handlebars' parser messages, in words a template author can act on. */
export function describeSyntaxError(message: string): { line: number | null; reason: string } {
  const line = /on line (\d+)/.exec(message)?.[1];
  const expecting = /Expecting (.+), got '([^']+)'/.exec(message);
  if (expecting) {
    const got = expecting[2] ?? '';
    const wanted = [...(expecting[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => tokenName(m[1] ?? ''));
    const reason =
      got === 'EOF'
        ? 'The template ends before a {{…}} tag or a block is closed (a }} or {{/…}} is missing).'
        : `Syntax error: found ${tokenName(got)} where ${wanted.slice(0, 4).join(', ')}${wanted.length > 4 ? ', …' : ''} was expected.`;
    return { line: line ? Number(line) : null, reason };
  }
  if (/Lexical error/.test(message)) {
    return { line: line ? Number(line) : null, reason: 'Syntax error: unrecognised text inside {{…}}.' };
  }
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) {
    return {
      line: line ? Number(line) : null,
      reason: `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}.`,
    };
  }
  return {
    line: line ? Number(line) : null,
    reason: `Syntax error: ${message.split('\n')[0]?.replace(/ - \d+:\d+$/, '') ?? 'unreadable template'}.`,
  };
}

function exceptionLine(error: unknown): number | null {
  const line = (error as { lineNumber?: unknown } | null)?.lineNumber;
  return typeof line === 'number' && line > 0 ? line : null;
}

/**
 * Everything that can be judged without rendering: size, syntax, helpers, nesting and the HTML
 * rules. Run on every tenant template before it is saved and before it is ever compiled.
 */
export function validateSource(field: TemplateField, source: unknown): TemplateProblem | null {
  if (typeof source !== 'string') return { field, line: 1, reason: 'The template must be text.' };
  if (source.length > MAX_SOURCE_CHARS) {
    return {
      field,
      line: lineAt(source, MAX_SOURCE_CHARS),
      reason: `The ${field} is too long (${source.length.toLocaleString('en-US')} characters; the limit is ${MAX_SOURCE_CHARS.toLocaleString('en-US')}).`,
    };
  }
  const raw = rawSyntax(field, withoutComments(source));
  if (raw) return raw;
  if (field === 'body') {
    const html = htmlRules(source);
    if (html) return { field, line: lineAt(source, html.index), reason: html.reason };
  }
  let program: hbs.AST.Program;
  try {
    program = parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, reason } = describeSyntaxError(message);
    return { field, line: line ?? exceptionLine(error) ?? 1, reason };
  }
  try {
    walkAst(program, field);
  } catch (error) {
    if (error instanceof Problem) return { field, line: error.line, reason: error.message };
    throw error;
  }
  try {
    // Whatever Handlebars itself would refuse with knownHelpersOnly, in case the walk missed it.
    precompile(source, field === 'subject');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      field,
      line: exceptionLine(error) ?? 1,
      reason: describeSyntaxError(message).reason,
    };
  }
  return null;
}
