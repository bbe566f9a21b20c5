import { type EmailBrand, type ResolvedBrand, resolveBrand } from './brand';
import {
  type CompiledTemplate,
  compileBody,
  compileSubject,
  RenderBudgetError,
  type RenderSettings,
  runTemplate,
} from './engine';
import { escapeHtml, inlineStyles, sanitizeBody } from './html';
import {
  COMMON_VARIABLES,
  SAMPLE_ORIGIN,
  TEMPLATE_INFO,
  TEMPLATE_KEYS,
  type TemplateAudience,
  type TemplateKey,
  type TemplateVariable,
} from './registry';
import { defaultTemplate, layoutSource, type TemplateSource } from './templates';
import { htmlToText } from './text';
import { type TemplateField, type TemplateProblem, validateSource } from './validate';
import { variableUses } from './variables';

/**
 * The problem with a body that no longer uses the link its email exists for (an invitation
 * without its accept link), or null.
 */
export function missingLink(key: TemplateKey, body: string): TemplateProblem | null {
  const info = TEMPLATE_INFO[key];
  if (!info) return null;
  if (variableUses(body).some((use) => use.name === info.link)) return null;
  return {
    field: 'body',
    line: 1,
    reason: `Keep {{${info.link}}} in the text: it is the link this email exists for, e.g. {{button ${info.link} "Open"}}.`,
  };
}

export interface EmailRecipient {
  name?: string | null;
  email: string;
}

export interface RenderEmailInput {
  key: TemplateKey;
  /** The tenant's version of the template; missing or null means the default. */
  override?: TemplateSource | null;
  brand: EmailBrand;
  /** The template's own variables (see `TemplateVars<key>`); `agency` and `recipient` are set here. */
  vars: Readonly<Record<string, unknown>>;
  recipient: EmailRecipient;
  /** BCP 47 locale for dates and money; default en-US. */
  locale?: string;
  /** IANA time zone for dates; default UTC. */
  timeZone?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** False when the default template was used, including when an override failed. */
  usedOverride: boolean;
  /** Why the tenant's override could not be used, if it could not. */
  overrideError: string | null;
}

export const MAX_SUBJECT_CHARS = 200;
export const MAX_OUTPUT_BYTES = 200 * 1024;
/** Time budget of one template call when sending (checks use a tighter one). */
export const SEND_BUDGET_MS = 250;
export const CHECK_BUDGET_MS = 50;
const MAX_ITERATIONS = 10_000;
const FONT = '-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif';

interface CompiledPair {
  subject: CompiledTemplate;
  body: CompiledTemplate;
}

type CompiledOverride = { ok: true; pair: CompiledPair } | { ok: false; problem: TemplateProblem };

const defaults = new Map<TemplateKey, CompiledPair>();
const overrides = new Map<string, CompiledOverride>();
const MAX_CACHED_OVERRIDES = 500;

function compiledDefault(key: TemplateKey): CompiledPair {
  let pair = defaults.get(key);
  if (!pair) {
    const source = defaultTemplate(key);
    pair = { subject: compileSubject(source.subject), body: compileBody(source.body) };
    defaults.set(key, pair);
  }
  return pair;
}

function compilePair(source: TemplateSource): CompiledOverride {
  const compile = (field: TemplateField, build: () => CompiledTemplate) => {
    try {
      return build();
    } catch (error) {
      const reason = `The template could not be compiled: ${error instanceof Error ? error.message : String(error)}`;
      return { field, line: 1, reason } satisfies TemplateProblem;
    }
  };
  const subject = compile('subject', () => compileSubject(source.subject));
  if (typeof subject !== 'function') return { ok: false, problem: subject };
  const body = compile('body', () => compileBody(source.body));
  if (typeof body !== 'function') return { ok: false, problem: body };
  return { ok: true, pair: { subject, body } };
}

/** Tenant sources are validated before they are ever compiled; the result is cached by source. */
export function compileOverride(source: TemplateSource): CompiledOverride {
  const cacheKey = `${source.subject}\u0000${source.body}`;
  let compiled = overrides.get(cacheKey);
  if (compiled) {
    // Refresh its place: the map's insertion order is the eviction order.
    overrides.delete(cacheKey);
  } else {
    const problem = validateSource('subject', source.subject) ?? validateSource('body', source.body);
    compiled = problem ? { ok: false, problem } : compilePair(source);
    if (overrides.size >= MAX_CACHED_OVERRIDES) {
      const oldest = overrides.keys().next();
      if (!oldest.done) overrides.delete(oldest.value);
    }
  }
  overrides.set(cacheKey, compiled);
  return compiled;
}

let layoutTemplate: CompiledTemplate | null = null;

const layout = () => {
  // The layout is ours and trusted: compiled the same way, it alone inserts the body with {{{body}}}.
  layoutTemplate ??= compileBody(layoutSource());
  return layoutTemplate;
};

const DENIED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A plain-data copy of the caller's variables: own enumerable keys only, no functions, bounded
 * in depth and size, dates as ISO strings. Templates only ever see this copy.
 */
export function toTemplateData(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return value.length > 20_000 ? value.slice(0, 20_000) : value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null || depth >= 8) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (Array.isArray(value)) {
        return value.slice(0, 1_000).map((item) => toTemplateData(item, depth + 1));
      }
      const out: Record<string, unknown> = {};
      let keys = 0;
      for (const key of Object.keys(value)) {
        if (DENIED_KEYS.has(key) || key.startsWith('__')) continue;
        if (++keys > 200) break;
        const item = toTemplateData((value as Record<string, unknown>)[key], depth + 1);
        if (item !== undefined) out[key] = item;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function templateContext(
  vars: Readonly<Record<string, unknown>>,
  brand: ResolvedBrand,
  recipient: EmailRecipient,
) {
  const data = toTemplateData(vars);
  return {
    ...(data && typeof data === 'object' && !Array.isArray(data) ? data : {}),
    agency: { name: brand.name, url: brand.origin },
    recipient: {
      name: typeof recipient.name === 'string' ? recipient.name.trim() : '',
      email: typeof recipient.email === 'string' ? recipient.email.trim() : '',
    },
  };
}

function validLocale(locale: string | undefined): string {
  if (!locale) return 'en-US';
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

function validTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** Subjects are one line of plain text: no control characters, at most 200 characters. */
export function cleanSubject(value: string): string {
  const flat = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what a header must not contain
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MAX_SUBJECT_CHARS ? flat.slice(0, MAX_SUBJECT_CHARS).trimEnd() : flat;
}

export interface RenderedParts {
  subject: string;
  /** The body, sanitised and styled, before the layout. */
  body: string;
}

/** Why a template could not be rendered: too slow, too large, or an error while rendering. */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(
    readonly field: TemplateField,
    /** `slow`: over the time budget; `budget`: too many repetitions; `size`: output too large. */
    readonly kind: 'slow' | 'budget' | 'size' | 'error',
    message: string,
  ) {
    super(message);
  }
}

function runField(
  field: TemplateField,
  template: CompiledTemplate,
  context: Readonly<Record<string, unknown>>,
  settings: RenderSettings,
): string {
  let out: string;
  try {
    out = runTemplate(template, context, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RenderBudgetError) {
      throw new TemplateRenderError(field, error.limit === 'time' ? 'slow' : 'budget', message);
    }
    throw new TemplateRenderError(field, 'error', message);
  }
  if (Buffer.byteLength(out) > MAX_OUTPUT_BYTES) {
    throw new TemplateRenderError(field, 'size', `larger than ${MAX_OUTPUT_BYTES / 1024} KB`);
  }
  return out;
}

/** Renders subject and body of one template; throws a TemplateRenderError if either fails. */
export function renderParts(
  pair: CompiledPair,
  context: Readonly<Record<string, unknown>>,
  brand: ResolvedBrand,
  settings: Pick<RenderSettings, 'locale' | 'timeZone' | 'budgetMs'>,
): RenderedParts {
  const run: RenderSettings = {
    origin: brand.origin,
    primaryColor: brand.primaryColor,
    onPrimaryColor: brand.onPrimaryColor,
    font: FONT,
    maxIterations: MAX_ITERATIONS,
    ...settings,
  };
  const subject = runField('subject', pair.subject, context, run);
  const rawBody = runField('body', pair.body, context, run);
  return {
    subject: cleanSubject(subject),
    body: inlineStyles(sanitizeBody(rawBody, brand.origin), brand.linkColor),
  };
}

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^\n]{0,60},$/i;

function preheaderOf(text: string): string {
  const paragraph = text.split('\n\n').find((p) => p.trim() && !GREETING.test(p.trim())) ?? '';
  const flat = paragraph.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139).trimEnd()}…` : flat;
}

/**
 * The footer's last line: why this person gets this email. Invitations and an email change reach
 * addresses that have no account (yet), so "you have an account with" would be untrue there.
 */
export function footerReason(key: TemplateKey, agencyName: string): string {
  switch (key) {
    case 'staff-invitation':
    case 'client-invitation':
      return `You received this email because ${agencyName} invited this address. If you weren’t expecting it, you can ignore it.`;
    case 'email-change':
      return `You received this email because someone asked to use this address for their account with ${agencyName}.`;
    case 'email-verification':
      return `You received this email because this address was used to create an account with ${agencyName}.`;
    default:
      return `You received this email because you have an account with ${agencyName}.`;
  }
}

function footerText(brand: ResolvedBrand): string {
  const contact = [brand.contactEmail, brand.website?.url].filter(Boolean).join(' · ');
  return [
    '-- ',
    brand.name,
    ...brand.addressLines,
    ...(contact ? [contact] : []),
    ...brand.footerLines,
    '',
    '\u0000reason\u0000',
  ].join('\n');
}

// NUL cannot occur in the rendered layout otherwise (brand text is stripped of control characters).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the slots are delimited by NUL on purpose
const SLOT = /\u0000(subject|preheader|body|reason)\u0000/g;

interface BrandFrame {
  brand: ResolvedBrand;
  /** The rendered layout with slots for subject, preheader and body. */
  frame: string;
  footer: string;
}

const frames = new Map<string, BrandFrame>();
const MAX_CACHED_FRAMES = 200;

/**
 * The brand, checked, and its layout rendered once: only the subject, preheader and body
 * differ between two emails of the same agency.
 */
function brandFrame(input: EmailBrand): BrandFrame {
  const cacheKey = JSON.stringify([
    input.name,
    input.origin,
    input.logoUrl,
    input.primaryColor,
    input.onPrimaryColor,
    input.accentColor,
    input.address,
    input.contactEmail,
    input.website,
    input.footer ?? null,
  ]);
  let cached = frames.get(cacheKey);
  if (!cached) {
    const brand = resolveBrand(input);
    const frame = layout()({
      subject: '\u0000subject\u0000',
      preheader: '\u0000preheader\u0000',
      body: '\u0000body\u0000',
      reason: '\u0000reason\u0000',
      agency: { name: brand.name, url: brand.origin },
      logoUrl: brand.logoUrl,
      primaryColor: brand.primaryColor,
      font: FONT,
      addressLines: brand.addressLines,
      contactEmail: brand.contactEmail,
      website: brand.website,
      contactLine: Boolean(brand.contactEmail || brand.website),
      footerLines: brand.footerLines,
    });
    cached = { brand, frame, footer: footerText(brand) };
    if (frames.size >= MAX_CACHED_FRAMES) frames.clear();
    frames.set(cacheKey, cached);
  }
  return cached;
}

function wrap(parts: RenderedParts, frame: BrandFrame, key: TemplateKey): { html: string; text: string } {
  const bodyText = htmlToText(parts.body);
  const reason = footerReason(key, frame.brand.name);
  const slots = new Map([
    ['subject', escapeHtml(parts.subject)],
    ['preheader', escapeHtml(preheaderOf(bodyText))],
    ['body', parts.body],
    ['reason', escapeHtml(reason)],
  ]);
  const html = frame.frame.replace(SLOT, (_whole, name: string) => slots.get(name) ?? '');
  const footer = frame.footer.replace(SLOT, () => reason);
  return { html, text: `${bodyText}\n\n${footer}\n` };
}

const problemText = (problem: TemplateProblem) => `${problem.field}, line ${problem.line}: ${problem.reason}`;

/**
 * Renders one email: the tenant's override if it is valid and renders within its budget, the
 * default template otherwise; then the branded layout and the plain-text part.
 */
export function renderEmail(input: RenderEmailInput): RenderedEmail {
  const frame = brandFrame(input.brand);
  const brand = frame.brand;
  const context = templateContext(input.vars, brand, input.recipient);
  const settings = {
    locale: validLocale(input.locale),
    timeZone: validTimeZone(input.timeZone),
    budgetMs: SEND_BUDGET_MS,
  };
  let overrideError: string | null = null;
  // An override saved before templates had to keep their link is not used without it.
  const missing = input.override ? missingLink(input.key, input.override.body) : null;
  if (missing) overrideError = problemText(missing);
  else if (input.override) {
    const compiled = compileOverride(input.override);
    if (compiled.ok) {
      try {
        const parts = renderParts(compiled.pair, context, brand, settings);
        return {
          subject: parts.subject,
          ...wrap(parts, frame, input.key),
          usedOverride: true,
          overrideError: null,
        };
      } catch (error) {
        overrideError = `The agency's template could not be rendered: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else {
      overrideError = problemText(compiled.problem);
    }
  }
  const parts = renderParts(compiledDefault(input.key), context, brand, settings);
  return { subject: parts.subject, ...wrap(parts, frame, input.key), usedOverride: false, overrideError };
}

/** Sample dates are this many days from today, so a preview never shows an expiry in the past. */
const SAMPLE_DAYS_FROM_TODAY: Readonly<Record<string, number>> = {
  expiresAt: 7,
  dueDate: 14,
  paidAt: 0,
  sentAt: 0,
  since: -7,
};

const sampleDate = (now: Date, days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Sample data with its links moved onto the agency's own portal address, and its dates counted
 * from `now`.
 */
export function sampleVars(key: TemplateKey, origin: string, now = new Date()): Record<string, unknown> {
  const base = new URL(origin).origin;
  const rebase = (value: unknown, name = ''): unknown => {
    const days = Object.hasOwn(SAMPLE_DAYS_FROM_TODAY, name) ? SAMPLE_DAYS_FROM_TODAY[name] : undefined;
    if (days !== undefined && typeof value === 'string') return sampleDate(now, days);
    if (typeof value === 'string')
      return value.startsWith(SAMPLE_ORIGIN) ? base + value.slice(SAMPLE_ORIGIN.length) : value;
    if (Array.isArray(value)) return value.map((item) => rebase(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, k)]));
    }
    return value;
  };
  return rebase(TEMPLATE_INFO[key].sample) as Record<string, unknown>;
}

export const SAMPLE_RECIPIENT: EmailRecipient = { name: 'Sam Rivera', email: 'sam.rivera@client.example' };

/** The email as it would look with the template's sample data: for the settings preview. */
export function previewEmail(
  key: TemplateKey,
  override: TemplateSource | null | undefined,
  brand: EmailBrand,
  options: { locale?: string; timeZone?: string } = {},
): RenderedEmail {
  return renderEmail({
    key,
    override: override ?? null,
    brand,
    vars: sampleVars(key, brand.origin),
    recipient: SAMPLE_RECIPIENT,
    ...options,
  });
}

export interface TemplateDefinition extends TemplateSource {
  key: TemplateKey;
  name: string;
  description: string;
  audience: TemplateAudience;
  /** Every variable the template receives: the common ones first, then its own. */
  variables: TemplateVariable[];
  /** The variable an agency's version must keep: the link the email exists for. */
  link: string;
  /** Whether the feature that sends it exists yet (see TemplateInfo.live). */
  live: boolean;
  sample: Readonly<Record<string, unknown>>;
}

/** Every template with its variables, sample data and default source: for the settings UI. */
export function listTemplates(): TemplateDefinition[] {
  return TEMPLATE_KEYS.map((key) => {
    const info = TEMPLATE_INFO[key];
    return {
      key,
      name: info.name,
      description: info.description,
      audience: info.audience,
      variables: [...COMMON_VARIABLES, ...info.variables],
      link: info.link,
      live: info.live,
      sample: info.sample,
      ...defaultTemplate(key),
    };
  });
}
