import Handlebars from 'handlebars';
import { escapeHtml, isAllowedUrl } from './html';

/**
 * The one Handlebars environment that renders email. It is private to this package and knows
 * only the helpers below; every template, ours or a tenant's, is compiled with
 * `knownHelpersOnly`, so a template can call nothing else. No prototype-access runtime
 * option is ever passed, which leaves Handlebars' own protections (own properties only) on.
 */
const env = Handlebars.create();

/**
 * Helpers a template may call inline, with the number of values each takes. A Map, so a name
 * such as `constructor` or `toString` is never found through Object.prototype.
 */
export const INLINE_HELPERS: ReadonlyMap<string, number> = new Map([
  ['button', 2],
  ['date', 1],
  ['money', 2],
]);
/** Built-in block helpers a template may use, each with exactly one value. */
export const BLOCK_HELPERS: readonly string[] = ['if', 'unless', 'each', 'with'];

const KNOWN_HELPERS = {
  button: true,
  date: true,
  money: true,
  if: true,
  unless: true,
  each: true,
  with: true,
  // Handlebars lists these as known by default; here they are not, so using one fails compilation.
  lookup: false,
  log: false,
  helperMissing: false,
  blockHelperMissing: false,
};

// `lookup` reads any property by a computed name and `log` writes to the console: neither is
// wanted, so they are removed as well as left out of the known helpers.
env.unregisterHelper('lookup');
env.unregisterHelper('log');
env.unregisterDecorator('inline');

/** Thrown when a template runs past its time or repetition budget. */
export class RenderBudgetError extends Error {
  override readonly name = 'RenderBudgetError';
  constructor(
    /** `time` can depend on the machine's load; `iterations` never does. */
    readonly limit: 'time' | 'iterations',
    message: string,
  ) {
    super(message);
  }
}

export interface RenderSettings {
  /** The tenant origin: plain-http links are allowed only to it (dev tenants). */
  origin: string | null;
  primaryColor: string;
  onPrimaryColor: string;
  font: string;
  locale: string;
  timeZone: string;
  /** Wall-clock budget for one template call, in milliseconds. */
  budgetMs: number;
  /** At most this many `#each` iterations in one template call. */
  maxIterations: number;
}

interface Scope extends RenderSettings {
  deadline: number;
  iterations: number;
}

// Rendering is synchronous, so the settings of the call in progress can live here: helpers read
// them without exposing them to templates as data.
let scope: Scope | null = null;

function tick() {
  if (!scope) return;
  scope.iterations += 1;
  if (scope.iterations > scope.maxIterations) {
    throw new RenderBudgetError('iterations', `more than ${scope.maxIterations} repetitions`);
  }
  if ((scope.iterations & 31) === 0 && performance.now() > scope.deadline) {
    throw new RenderBudgetError('time', `over ${scope.budgetMs} ms`);
  }
}

export type CompiledTemplate = (context: Readonly<Record<string, unknown>>) => string;

/** Runs a compiled template under the given settings and budget. */
export function runTemplate(
  template: CompiledTemplate,
  context: Readonly<Record<string, unknown>>,
  settings: RenderSettings,
): string {
  const previous = scope;
  const started = performance.now();
  scope = { ...settings, deadline: started + settings.budgetMs, iterations: 0 };
  try {
    const out = template(context);
    if (performance.now() - started > settings.budgetMs) {
      throw new RenderBudgetError('time', `over ${settings.budgetMs} ms`);
    }
    return out;
  } finally {
    scope = previous;
  }
}

const builtinEach = env.helpers.each as Handlebars.HelperDelegate;

// `#each` is the only construct whose cost is not bounded by the template's size, so every
// iteration is counted against the budget.
env.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
  if (!options || typeof options.fn !== 'function') throw new Error('#each needs a block');
  const fn = options.fn;
  const counted: Handlebars.HelperOptions = {
    ...options,
    fn: (value: unknown, runtime?: Handlebars.RuntimeOptions) => {
      tick();
      return fn(value, runtime);
    },
  };
  return builtinEach.call(this, context, counted);
});

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** A branded call-to-action: a table cell for Outlook, a padded link for everyone else. */
export function buttonHtml(
  url: string,
  label: string,
  colors: { background: string; color: string; font: string },
) {
  const href = escapeHtml(url);
  const bg = escapeHtml(colors.background);
  const fg = escapeHtml(colors.color);
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:24px 0;">` +
    `<tr><td align="center" bgcolor="${bg}" style="border-radius:8px;background-color:${bg};">` +
    `<a href="${href}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 24px;` +
    `font-family:${escapeHtml(colors.font)};font-size:16px;line-height:20px;font-weight:600;color:${fg};` +
    `text-decoration:none;border-radius:8px;">${escapeHtml(label)}</a></td></tr></table>`
  );
}

env.registerHelper('button', (url: unknown, label: unknown) => {
  const href = text(url).trim();
  const caption = text(label).trim();
  if (!scope || !caption || !isAllowedUrl(href, scope.origin)) return '';
  return new env.SafeString(
    buttonHtml(href, caption, {
      background: scope.primaryColor,
      color: scope.onPrimaryColor,
      font: scope.font,
    }),
  );
});

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const moneyFormats = new Map<string, Intl.NumberFormat>();

function dateFormat(locale: string, timeZone: string) {
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** Formats a date (ISO string, epoch milliseconds or Date) in the recipient's locale and zone. */
export function formatDate(value: unknown, locale = 'en-US', timeZone = 'UTC'): string {
  let date: Date;
  let zone = timeZone;
  if (typeof value === 'string') {
    // A calendar date (a due date) is the same day everywhere: don't shift it by time zone.
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) zone = 'UTC';
    date = new Date(value);
  } else if (typeof value === 'number') {
    date = new Date(value);
  } else if (value instanceof Date) {
    date = value;
  } else {
    return '';
  }
  if (Number.isNaN(date.getTime())) return '';
  return dateFormat(locale, zone).format(date);
}

/** Formats integer minor units (cents) of an ISO currency, e.g. 125000 USD → $1,250.00. */
export function formatMoney(amountMinor: unknown, currency: unknown, locale = 'en-US'): string {
  let minor: number;
  if (typeof amountMinor === 'number' && Number.isSafeInteger(amountMinor)) minor = amountMinor;
  else if (typeof amountMinor === 'string' && /^-?\d{1,15}$/.test(amountMinor)) minor = Number(amountMinor);
  else return '';
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)) return '';
  const code = currency.toUpperCase();
  const key = `${locale}|${code}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
    } catch {
      return '';
    }
    moneyFormats.set(key, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

env.registerHelper('date', (value: unknown) => formatDate(value, scope?.locale, scope?.timeZone));
env.registerHelper('money', (amount: unknown, currency: unknown) =>
  formatMoney(amount, currency, scope?.locale),
);

const compileOptions = { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, strict: false } as const;

function compileWith(source: string, noEscape: boolean): CompiledTemplate {
  // Handlebars also accepts a pre-parsed AST; only ever hand it a string.
  if (typeof source !== 'string') throw new TypeError('template source must be a string');
  const template = env.compile<Readonly<Record<string, unknown>>>(source, { ...compileOptions, noEscape });
  // compile() compiles on first use: do it now, with no data, so that a render's time budget
  // measures rendering only and compile errors surface here.
  template({});
  return (context) => template(context);
}

/** Compiles an HTML body: every `{{value}}` is HTML-escaped. */
export function compileBody(source: string): CompiledTemplate {
  return compileWith(source, false);
}

/** Compiles a subject: plain text, so values are not HTML-escaped. */
export function compileSubject(source: string): CompiledTemplate {
  return compileWith(source, true);
}

/** Compiles eagerly (compile() is lazy), so that errors surface with their line numbers. */
export function precompile(source: string, noEscape: boolean): void {
  if (typeof source !== 'string') throw new TypeError('template source must be a string');
  env.precompile(source, { ...compileOptions, noEscape });
}

export function parse(source: string): hbs.AST.Program {
  return env.parse(source);
}
