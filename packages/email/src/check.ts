import { resolveBrand } from './brand';
import { TEMPLATE_INFO, TEMPLATE_KEYS, type TemplateKey } from './registry';
import {
  CHECK_BUDGET_MS,
  compileOverride,
  MAX_OUTPUT_BYTES,
  renderParts,
  SAMPLE_RECIPIENT,
  sampleVars,
  TemplateRenderError,
} from './render';
import type { TemplateSource } from './templates';
import type { TemplateProblem } from './validate';

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

/**
 * Decides whether a tenant's subject and body may be saved: the static rules (size, syntax,
 * helpers, nesting, HTML) and then a trial render against sample data, which must finish within
 * 50 ms and stay under 200 KB.
 */
export function checkTemplate(
  candidate: TemplateSource,
  options: { key?: TemplateKey } = {},
): CheckTemplateResult {
  const compiled = compileOverride({ subject: candidate.subject, body: candidate.body });
  if (!compiled.ok) return { ok: false, ...compiled.problem };
  const key = options.key && TEMPLATE_INFO[options.key] ? options.key : undefined;
  const context = {
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
  try {
    try {
      trial();
    } catch (error) {
      // Time depends on the machine's load: a template is too slow only if it is slow twice.
      if (error instanceof TemplateRenderError && error.kind === 'slow') trial();
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
  return { ok: true };
}
