import { and, eq, schema } from '@foyer/db';
import { checkTemplate, defaultTemplate, isTemplateKey, listTemplates, previewEmail } from '@foyer/email';
import { z } from 'zod';
import { fieldErrors } from '../auth/validation';
import type { TenantSite } from '../context';
import { adminOf, type Ctx, record, siteOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { emailBrand } from './delivery';
import { EMAIL_ADMINS_ONLY, sendToSelf, type TestSendResult } from './settings';

const { emailTemplates } = schema;

type DefaultTemplate = ReturnType<typeof listTemplates>[number];
type TemplateKey = DefaultTemplate['key'];

export interface TemplateVariable {
  name: string;
  description: string;
}

/** One email the platform sends, as the template list shows it. */
export interface EmailTemplateSummary {
  key: string;
  name: string;
  description: string;
  audience: string;
  /** The agency replaced the default subject or body. */
  customised: boolean;
  updatedAt: Date | null;
}

/** What the editor needs: the text in use (override or default), the default, the variables. */
export interface EmailTemplateDetail extends EmailTemplateSummary {
  subject: string;
  body: string;
  defaultSubject: string;
  defaultBody: string;
  variables: TemplateVariable[];
}

export interface TemplateContent {
  subject: string;
  body: string;
}

export interface RenderedPreview {
  subject: string;
  html: string;
  text: string;
}

/** The limits of @foyer/email's checks, so the form can say so before it asks. */
export const SUBJECT_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 20_000;

const contentInput = z.object({
  subject: z
    .string()
    .trim()
    .min(1, 'Enter a subject.')
    .max(SUBJECT_MAX_LENGTH, `Use at most ${SUBJECT_MAX_LENGTH} characters.`)
    .regex(/^[^\r\n]*$/, 'Keep the subject on one line.'),
  // Browsers send a textarea's line breaks as CRLF; line numbers count LF. Trailing space goes,
  // leading space stays, so line numbers match the editor.
  body: z
    .string()
    .transform((body) => body.replace(/\r\n?/g, '\n').trimEnd())
    .pipe(
      z
        .string()
        .refine((body) => body.trim() !== '', 'Enter the message.')
        .refine((body) => body.length <= BODY_MAX_LENGTH, `Use at most ${BODY_MAX_LENGTH} characters.`),
    ),
});

/**
 * The emails agencies can see and edit: those whose feature exists. A later feature's email is
 * offered from the release that sends it, never as a promise before.
 */
const liveTemplates = () => listTemplates().filter((t) => t.live);

function templateOf(key: string): DefaultTemplate {
  const found = isTemplateKey(key) ? liveTemplates().find((t) => t.key === key) : undefined;
  if (!found) throw new CoreError('not_found', 'There is no such email template.');
  return found;
}

/** Valid subject and body for a template, or field errors naming the line and the reason. */
function validContent(
  key: TemplateKey,
  raw: TemplateContent,
  message = 'The template has a problem.',
): TemplateContent {
  const parsed = contentInput.safeParse(raw);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  const checked = checkTemplate(parsed.data, { key });
  if (!checked.ok) {
    const where = checked.field === 'body' ? `Line ${checked.line}: ` : '';
    throw invalid({ [checked.field]: `${where}${checked.reason}` }, message);
  }
  return parsed.data;
}

function render(key: TemplateKey, content: TemplateContent, site: TenantSite): RenderedPreview {
  const rendered = previewEmail(key, content, emailBrand(site));
  // The checks passed with neutral sample brand; this brand could still push it over a limit, and
  // renderEmail would quietly fall back to the default, which a preview must not pretend is theirs.
  if (rendered.overrideError) throw invalid({ body: rendered.overrideError }, 'The template has a problem.');
  return { subject: rendered.subject, html: rendered.html, text: rendered.text };
}

function summaryOf(
  template: DefaultTemplate,
  override: { updatedAt: Date } | undefined,
): EmailTemplateSummary {
  return {
    key: template.key,
    name: template.name,
    description: template.description,
    audience: template.audience,
    customised: override !== undefined,
    updatedAt: override?.updatedAt ?? null,
  };
}

/** Every email the platform sends for the agency, in the order of the defaults. */
export async function listEmailTemplates({ ctx }: { ctx: Ctx }): Promise<EmailTemplateSummary[]> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  // A read: nothing is recorded.
  const overrides = await transact(ctx, ({ tx }) =>
    tx
      .select({ template: emailTemplates.template, updatedAt: emailTemplates.updatedAt })
      .from(emailTemplates),
  );
  const byKey = new Map(overrides.map((o) => [o.template, o]));
  return liveTemplates().map((template) => summaryOf(template, byKey.get(template.key)));
}

/** A template's key as the address names it (checked against the templates, not trusted). */
type KeyInput = { key: string };
/** A template and the editor's subject and body. */
type ContentInput = KeyInput & TemplateContent;

export async function getEmailTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: KeyInput;
}): Promise<EmailTemplateDetail> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const template = templateOf(input.key);
  // A read: nothing is recorded.
  const [override] = await transact(ctx, ({ tx }) =>
    tx
      .select({
        subject: emailTemplates.subject,
        body: emailTemplates.body,
        updatedAt: emailTemplates.updatedAt,
      })
      .from(emailTemplates)
      .where(eq(emailTemplates.template, template.key)),
  );
  return {
    ...summaryOf(template, override),
    subject: override?.subject ?? template.subject,
    body: override?.body ?? template.body,
    defaultSubject: template.subject,
    defaultBody: template.body,
    variables: template.variables.map((v) => ({ name: v.name, description: v.description })),
  };
}

/**
 * Saves the agency's subject and body for a template. A template that does not compile, or uses
 * what tenant templates may not (triple braces, unknown helpers), is refused with its line and
 * the reason, and nothing is saved. Saving the default text unchanged removes the override.
 */
export async function saveEmailTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ContentInput;
}): Promise<EmailTemplateDetail> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const template = templateOf(input.key);
  const content = validContent(template.key, input, 'The template has a problem, so it was not saved.');
  const fallback = defaultTemplate(template.key);
  const isDefault =
    content.subject === fallback.subject.trim() && content.body.trim() === fallback.body.trim();
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const mine = and(eq(emailTemplates.tenantId, actor.tenantId), eq(emailTemplates.template, template.key));
    if (isDefault) {
      await tx.delete(emailTemplates).where(mine);
    } else {
      const values = { ...content, updatedBy: actor.userId, updatedAt: ctx.deps.now() };
      await tx
        .insert(emailTemplates)
        .values({ tenantId: actor.tenantId, template: template.key, ...values })
        .onConflictDoUpdate({ target: [emailTemplates.tenantId, emailTemplates.template], set: values });
    }
    await record(ctx, {
      verb: 'email_template.save',
      data: { template: template.key, customised: !isDefault },
    });
    return getEmailTemplate({ ctx, input: { key: template.key } });
  });
}

/** Goes back to the default text; false when there was no override to remove. */
export async function resetEmailTemplate({ ctx, input }: { ctx: Ctx; input: KeyInput }): Promise<boolean> {
  const actor = adminOf(ctx, EMAIL_ADMINS_ONLY);
  const template = templateOf(input.key);
  return transact(ctx, async (ctx) => {
    const removed = await ctx.tx
      .delete(emailTemplates)
      .where(and(eq(emailTemplates.tenantId, actor.tenantId), eq(emailTemplates.template, template.key)))
      .returning({ template: emailTemplates.template });
    await record(ctx, {
      verb: 'email_template.reset',
      data: { template: template.key, removed: removed.length > 0 },
    });
    return removed.length > 0;
  });
}

/** The editor's content rendered in the agency's brand with the template's sample data. */
export async function previewEmailTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ContentInput;
}): Promise<RenderedPreview> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const template = templateOf(input.key);
  // Changes nothing: nothing is recorded.
  return render(template.key, validContent(template.key, input), siteOf(ctx));
}

/**
 * Renders the editor's content (saved or not) with sample data and sends it at once to the
 * admin's own address through the agency's delivery settings.
 */
export async function sendTemplateTest({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ContentInput;
}): Promise<TestSendResult> {
  adminOf(ctx, EMAIL_ADMINS_ONLY);
  const template = templateOf(input.key);
  const rendered = render(template.key, validContent(template.key, input), siteOf(ctx));
  return sendToSelf(
    ctx,
    { ...rendered, subject: `[Test] ${rendered.subject}` },
    { verb: 'email_template.test_send', data: { template: template.key } },
  );
}
