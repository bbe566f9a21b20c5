import { resolveBrand } from './brand';
import { decodeEntities } from './html';
import { COMMON_VARIABLES, TEMPLATE_INFO, TEMPLATE_KEYS, type TemplateKey } from './registry';
import {
  CHECK_BUDGET_MS,
  compileOverride,
  MAX_OUTPUT_BYTES,
  missingLink,
  renderParts,
  SAMPLE_RECIPIENT,
  sampleVars,
  TemplateRenderError,
} from './render';
import type { TemplateSource } from './templates';
import type { TemplateProblem } from './validate';
import { unknownVariable } from './variables';

export type CheckTemplateResult = { ok: true } | ({ ok: false } & TemplateProblem);

const CHECK_BRAND = resolveBrand({
  name: 'Sample Agency',
  origin: 'https://portal.example.com',
  logoUrl: null,
  primaryColor: '#18181b',
  onPrimaryColor: '#ffffff',
  accentColor: '#1d4ed8',
  address: null,
  contactEmail: null,
  website: null,
});

let everySample: Record<string, unknown> | null = null;

/** Without a key, a template is tried against the sample data of every email at once. */
function sampleFor(key: TemplateKey | undefined): Record<string, unknown> {
  if (key) return sampleVars(key, CHECK_BRAND.origin);
  everySample ??= Object.assign({}, ...TEMPLATE_KEYS.map((k) => sampleVars(k, CHECK_BRAND.origin)));
  return everySample as Record<string, unknown>;
}

let everyVariable: string[] | null = null;

/** The variables a template may use: the common ones and its own, or every email's without a key. */
export function variablesOf(key: TemplateKey | undefined): string[] {
  const common = COMMON_VARIABLES.map((v) => v.name);
  if (key) return [...common, ...TEMPLATE_INFO[key].variables.map((v) => v.name)];
  everyVariable ??= [
    ...new Set([...common, ...TEMPLATE_KEYS.flatMap((k) => TEMPLATE_INFO[k].variables.map((v) => v.name))]),
  ];
  return everyVariable;
}

/**
 * Decides whether a tenant's subject and body may be saved: the static rules (size, syntax,
 * helpers, nesting, HTML); every variable must be one the email offers; with a key, the body
 * must keep the link the email exists for; then a trial render against sample data, which must
 * finish within 50 ms, stay under 200 KB and still show that link.
 */
export function checkTemplate(
  candidate: TemplateSource,
  options: { key?: TemplateKey } = {},
): CheckTemplateResult {
  const compiled = compileOverride({ subject: candidate.subject, body: candidate.body });
  if (!compiled.ok) return { ok: false, ...compiled.problem };
  const key = options.key && Object.hasOwn(TEMPLATE_INFO, options.key) ? options.key : undefined;
  const known = variablesOf(key);
  const unknown =
    unknownVariable('subject', candidate.subject, known) ?? unknownVariable('body', candidate.body, known);
  if (unknown) return { ok: false, ...unknown };
  const missing = key ? missingLink(key, candidate.body) : null;
  if (missing) return { ok: false, ...missing };
  const context: Record<string, unknown> = {
    ...sampleFor(key),
    agency: { name: CHECK_BRAND.name, url: CHECK_BRAND.origin },
    recipient: { name: SAMPLE_RECIPIENT.name ?? '', email: SAMPLE_RECIPIENT.email },
  };
  const trial = () =>
    renderParts(compiled.pair, context, CHECK_BRAND, {
      locale: 'en-US',
      timeZone: 'UTC',
      budgetMs: CHECK_BUDGET_MS,
    });
  let rendered: ReturnType<typeof trial>;
  try {
    try {
      rendered = trial();
    } catch (error) {
      // Time depends on the machine's load: a template is too slow only if it is slow twice.
      if (error instanceof TemplateRenderError && error.kind === 'slow') rendered = trial();
      else throw error;
    }
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const reason =
      error.kind === 'slow' || error.kind === 'budget'
        ? `The template takes too long to render (${error.message}); simplify its loops and nesting.`
        : error.kind === 'size'
          ? `The rendered email is too large (over ${MAX_OUTPUT_BYTES / 1024} KB).`
          : `The template could not be rendered with sample data: ${error.message}`;
    return { ok: false, field: error.field, line: 1, reason };
  }
  if (key) {
    // Referring to the link is not enough if a condition or a broken attribute drops it.
    const link = TEMPLATE_INFO[key].link;
    const sampleLink = context[link];
    if (typeof sampleLink === 'string' && !decodeEntities(rendered.body).includes(sampleLink)) {
      return {
        ok: false,
        field: 'body',
        line: 1,
        reason: `The email must show the link in {{${link}}}, and with the sample data it does not. Put it where it always shows, e.g. {{button ${link} "Open"}}.`,
      };
    }
  }
  return { ok: true };
}
