import { createHash } from 'node:crypto';
import { schema } from '@foyer/db';
import type { Sharp } from 'sharp';
import { z } from 'zod';
import { emailSchema } from '../auth/validation';
import { adminOf, afterCommit, type Ctx, record, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { parseInput } from '../input';
import { sniffImage } from '../tenants/apply';
import { brandColourAdvice } from './colour-advice';
import { HEX_COLOR } from './contrast';
import { DEFAULT_ACCENT, DEFAULT_PRIMARY, faviconPath, logoPath } from './resolve';
import { THEMES, type Theme } from './types';

const { branding } = schema;

/**
 * libvips is loaded on the first upload, not with every process that imports core (the worker,
 * the CLI), which never touch images.
 */
const loadSharp = async () => (await import('sharp')).default;

export const BRANDING_ADMINS_ONLY = 'Only admins manage branding.';

/** Uploads larger than this are refused before anything decodes them. */
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
/** Images declaring more pixels than this are refused from their header, before decoding. */
export const LOGO_MAX_PIXELS = 40_000_000;
/** Logos are stored at most this wide and tall. */
export const LOGO_MAX_SIDE = 512;
export const FAVICON_SIDE = 64;
export const WELCOME_TEXT_MAX = 500;

/** Every branding field as the settings form edits it: text, '' for "not set". */
export interface BrandingFields {
  displayName: string;
  primaryColor: string;
  accentColor: string;
  theme: string;
  loginBackground: string;
  welcomeText: string;
  /** The portal's first-sign-in welcome for clients; '' for the default text. */
  portalWelcome: string;
  contactEmail: string;
  contactPhone: string;
  website: string;
  address: string;
  documentBusinessName: string;
  documentAddress: string;
  documentTaxId: string;
  documentPaymentTerms: string;
}

export interface BrandingSettings extends BrandingFields {
  theme: Theme;
  logoUrl: string | null;
  faviconUrl: string | null;
  /**
   * Contrast problems by field. A colour saved before a rule refused it (or applied from a demo
   * tenant) shows its refusal here too.
   */
  warnings: Record<string, string>;
  updatedAt: Date | null;
}

const NO_CONTROL = /^[^\p{Cc}]*$/u;
/** Multi-line fields may hold line breaks, but no other control characters. */
const NO_CONTROL_BUT_NEWLINES = /^[^\p{Cc}]*(?:[\r\n]+[^\p{Cc}]*)*$/u;

const line = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .regex(NO_CONTROL, 'Use letters, digits and punctuation only.');
const lines = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .regex(NO_CONTROL_BUT_NEWLINES, 'Use letters, digits and punctuation only.');
const hex = (what: string) =>
  z.string().trim().regex(HEX_COLOR, `Enter the ${what} as a hex colour like #1e3a8a.`);

function isWebsite(value: string): boolean {
  const candidate = /^[a-z][a-z\d+.-]*:/i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(candidate);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

const brandingInput = z.object({
  displayName: line(120).min(1, 'Enter the name your clients know you by.'),
  primaryColor: hex('primary colour'),
  accentColor: hex('accent colour'),
  theme: z.enum(THEMES, 'Choose light, dark or the visitor’s system setting.'),
  loginBackground: z.union([z.literal(''), hex('background colour')]),
  welcomeText: lines(WELCOME_TEXT_MAX),
  // Absent from older forms and callers: then the stored text is kept as it is.
  portalWelcome: lines(WELCOME_TEXT_MAX).optional(),
  contactEmail: z
    .string()
    .trim()
    .pipe(z.union([z.literal(''), emailSchema])),
  contactPhone: line(40).regex(/^[\d\s+().\-/]*$/, 'Use digits, spaces and + ( ) - only.'),
  website: line(200).refine((v) => v === '' || isWebsite(v), 'Enter a web address like https://example.com.'),
  address: lines(500),
  documentBusinessName: line(120),
  documentAddress: lines(500),
  documentTaxId: line(60),
  documentPaymentTerms: lines(500),
});

/** Contrast advice for a set of brand colours, by field (see `brandColourAdvice`). */
export function brandingWarnings(values: Parameters<typeof brandColourAdvice>[0]): Record<string, string> {
  return brandColourAdvice(values).warnings;
}

/** Advice on saved colours: a refusal reads as a warning, since the colour is already in use. */
function storedColourAdvice(fields: BrandingFields): Record<string, string> {
  const { errors, warnings } = brandColourAdvice(fields);
  return { ...warnings, ...errors };
}

type BrandingRow = typeof branding.$inferSelect;

function toSettings(row: BrandingRow | undefined, fallbackName: string): BrandingSettings {
  const fields: BrandingFields = {
    displayName: row?.displayName ?? fallbackName,
    primaryColor: row?.primaryColor ?? DEFAULT_PRIMARY,
    accentColor: row?.accentColor ?? DEFAULT_ACCENT,
    theme: row?.theme ?? 'light',
    loginBackground: row?.loginBackground ?? '',
    welcomeText: row?.welcomeText ?? '',
    portalWelcome: row?.portalWelcome ?? '',
    contactEmail: row?.contactEmail ?? '',
    contactPhone: row?.contactPhone ?? '',
    website: row?.website ?? '',
    address: row?.address ?? '',
    documentBusinessName: row?.documentBusinessName ?? '',
    documentAddress: row?.documentAddress ?? '',
    documentTaxId: row?.documentTaxId ?? '',
    documentPaymentTerms: row?.documentPaymentTerms ?? '',
  };
  return {
    ...fields,
    theme: row?.theme ?? 'light',
    logoUrl: row?.logoSha256 ? logoPath(row.logoSha256) : null,
    faviconUrl: row?.faviconSha256 ? faviconPath(row.faviconSha256) : null,
    warnings: storedColourAdvice(fields),
    updatedAt: row?.updatedAt ?? null,
  };
}

export async function getBrandingSettings({ ctx }: { ctx: Ctx }): Promise<BrandingSettings> {
  adminOf(ctx, BRANDING_ADMINS_ONLY);
  // A read: nothing is recorded.
  const [row] = await transact(ctx, ({ tx }) => tx.select().from(branding));
  return toSettings(row, '');
}

/** The fields of the settings form whose stored value differs from `values`. */
function changedFields(
  row: BrandingRow | undefined,
  values: Partial<Record<keyof BrandingFields, string | null>>,
) {
  return (Object.keys(values) as (keyof BrandingFields)[]).filter(
    (name) => (row?.[name] ?? null) !== values[name],
  );
}

/** Drops the cached lookups of the tenant once the change is committed, never before. */
function tenantChangedAfterCommit(ctx: TxCtx, tenantId: string): void {
  afterCommit(ctx, () => ctx.deps.tenantChanged(tenantId));
}

/**
 * Saves everything but the images. Colours are `#rrggbb` or refused (nothing else may reach
 * CSS); a primary colour under 3:1 on the theme's pages is refused; one under WCAG AA is saved
 * with a warning, the admin's call.
 */
export async function saveBranding({
  ctx,
  input: raw,
}: {
  ctx: Ctx;
  input: Omit<BrandingFields, 'portalWelcome'> & { portalWelcome?: string };
}): Promise<BrandingSettings> {
  const actor = adminOf(ctx, BRANDING_ADMINS_ONLY);
  const input = parseInput(brandingInput, raw);
  // Text drawn in a colour too faint on the pages it will be shown on is refused, nothing saved.
  const { errors } = brandColourAdvice(input);
  if (Object.keys(errors).length > 0) throw invalid(errors);
  const orNull = (value: string) => (value === '' ? null : value);
  const fields = {
    displayName: input.displayName,
    primaryColor: input.primaryColor.toLowerCase(),
    accentColor: input.accentColor.toLowerCase(),
    theme: input.theme,
    loginBackground: orNull(input.loginBackground.toLowerCase()),
    welcomeText: orNull(input.welcomeText),
    ...(input.portalWelcome === undefined ? {} : { portalWelcome: orNull(input.portalWelcome) }),
    contactEmail: orNull(input.contactEmail),
    contactPhone: orNull(input.contactPhone),
    website: orNull(input.website),
    address: orNull(input.address),
    documentBusinessName: orNull(input.documentBusinessName),
    documentAddress: orNull(input.documentAddress),
    documentTaxId: orNull(input.documentTaxId),
    documentPaymentTerms: orNull(input.documentPaymentTerms),
  };
  const values = { ...fields, updatedAt: ctx.deps.now() };
  const row = await transact(ctx, async (ctx) => {
    const [before] = await ctx.tx.select().from(branding).for('update');
    const [saved] = await ctx.tx
      .insert(branding)
      .values({ tenantId: actor.tenantId, ...values })
      .onConflictDoUpdate({ target: branding.tenantId, set: values })
      .returning();
    await record(ctx, { verb: 'branding.save', data: { changed: changedFields(before, fields) } });
    tenantChangedAfterCommit(ctx, actor.tenantId);
    return saved;
  });
  return toSettings(row, input.displayName);
}

/** An uploaded image: its bytes and the name it came with (shown in messages, never trusted). */
export interface UploadedImage {
  bytes: Uint8Array;
  name: string;
}

/** SVG can carry script; we never serve it, so it is named in the refusal rather than called "unknown". */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<') && head.includes('<svg'));
}

/**
 * Checks an upload from its bytes alone (never its name or declared type) and decodes it with
 * the pixel limit in force, so a small file declaring a huge image is refused from its header.
 */
async function checkedImage(file: UploadedImage, field: string): Promise<Sharp> {
  const bytes = file.bytes;
  if (bytes.byteLength === 0) throw invalid({ [field]: 'Choose an image file.' });
  if (bytes.byteLength > LOGO_MAX_BYTES) {
    throw invalid({ [field]: 'This image is larger than 2 MB. Upload a smaller PNG, JPEG or WebP.' });
  }
  if (!sniffImage(bytes)) {
    throw invalid({
      [field]: looksLikeSvg(bytes)
        ? 'SVG images are not accepted. Upload a PNG, JPEG or WebP instead.'
        : 'This file is not a PNG, JPEG or WebP image.',
    });
  }
  const sharp = await loadSharp();
  const image = () => sharp(bytes, { limitInputPixels: LOGO_MAX_PIXELS, failOn: 'error', animated: false });
  let width = 0;
  let height = 0;
  try {
    // Only the header is read here, so the declared size can be named in the refusal; the
    // decoding pipeline below keeps the limit in force whatever the header said.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch {
    throw invalid({ [field]: 'This image could not be read. Upload a PNG, JPEG or WebP.' });
  }
  if (width < 1 || height < 1) {
    throw invalid({ [field]: 'This image could not be read. Upload a PNG, JPEG or WebP.' });
  }
  if (width * height > LOGO_MAX_PIXELS) {
    throw invalid({
      [field]: `This image is ${width}×${height} pixels, too large to process. Use one under 40 megapixels.`,
    });
  }
  // Orientation from EXIF is applied, then every piece of metadata is dropped by re-encoding.
  return image().rotate();
}

async function encode(pipeline: Sharp, field: string): Promise<Buffer> {
  try {
    return await pipeline.png({ compressionLevel: 9 }).toBuffer();
  } catch {
    throw invalid({ [field]: 'This image could not be read. Upload a PNG, JPEG or WebP.' });
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function faviconFrom(data: Uint8Array): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(data)
    .resize(FAVICON_SIDE, FAVICON_SIDE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** Whether the stored favicon is the one made from the stored logo (rather than uploaded). */
async function faviconIsFromLogo(row: BrandingRow | undefined): Promise<boolean> {
  if (!row?.faviconSha256) return true;
  if (!row.logoData) return false;
  return sha256(await faviconFrom(row.logoData)) === row.faviconSha256;
}

function requireRow(row: BrandingRow | undefined): BrandingRow {
  if (!row) throw new CoreError('not_found', 'Save your branding settings first.');
  return row;
}

/**
 * Replaces the logo: re-encoded as PNG, at most 512×512, without metadata. The favicon follows
 * the logo unless one was uploaded on its own.
 */
export async function uploadLogo({
  ctx,
  input: file,
}: {
  ctx: Ctx;
  input: UploadedImage;
}): Promise<BrandingSettings> {
  const actor = adminOf(ctx, BRANDING_ADMINS_ONLY);
  const image = await checkedImage(file, 'logo');
  const logo = await encode(
    image.resize(LOGO_MAX_SIDE, LOGO_MAX_SIDE, { fit: 'inside', withoutEnlargement: true }),
    'logo',
  );
  const icon = await faviconFrom(logo);
  const row = await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const current = requireRow((await tx.select().from(branding).for('update'))[0]);
    const favicon = (await faviconIsFromLogo(current))
      ? { faviconMime: 'image/png', faviconData: icon, faviconSha256: sha256(icon) }
      : {};
    const [saved] = await tx
      .update(branding)
      .set({
        logoMime: 'image/png',
        logoData: logo,
        logoSha256: sha256(logo),
        ...favicon,
        updatedAt: ctx.deps.now(),
      })
      .returning();
    await record(ctx, { verb: 'branding.logo_upload', data: { faviconFollows: 'faviconData' in favicon } });
    tenantChangedAfterCommit(ctx, actor.tenantId);
    return saved;
  });
  return toSettings(row, '');
}

/** Replaces the favicon with an uploaded image, made 64×64 PNG. */
export async function uploadFavicon({
  ctx,
  input: file,
}: {
  ctx: Ctx;
  input: UploadedImage;
}): Promise<BrandingSettings> {
  const actor = adminOf(ctx, BRANDING_ADMINS_ONLY);
  const image = await checkedImage(file, 'favicon');
  const icon = await encode(
    image.resize(FAVICON_SIDE, FAVICON_SIDE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }),
    'favicon',
  );
  const row = await transact(ctx, async (ctx) => {
    const [saved] = await ctx.tx
      .update(branding)
      .set({
        faviconMime: 'image/png',
        faviconData: icon,
        faviconSha256: sha256(icon),
        updatedAt: ctx.deps.now(),
      })
      .returning();
    requireRow(saved);
    await record(ctx, { verb: 'branding.favicon_upload' });
    tenantChangedAfterCommit(ctx, actor.tenantId);
    return saved;
  });
  return toSettings(row, '');
}

/** Removes the logo (initials show instead), and the favicon made from it. */
export async function removeLogo({ ctx }: { ctx: Ctx }): Promise<BrandingSettings> {
  const actor = adminOf(ctx, BRANDING_ADMINS_ONLY);
  const row = await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const current = requireRow((await tx.select().from(branding).for('update'))[0]);
    const favicon = (await faviconIsFromLogo(current))
      ? { faviconMime: null, faviconData: null, faviconSha256: null }
      : {};
    const [saved] = await tx
      .update(branding)
      .set({ logoMime: null, logoData: null, logoSha256: null, ...favicon, updatedAt: ctx.deps.now() })
      .returning();
    await record(ctx, { verb: 'branding.logo_remove', data: { faviconFollows: 'faviconData' in favicon } });
    tenantChangedAfterCommit(ctx, actor.tenantId);
    return saved;
  });
  return toSettings(row, '');
}

/** Removes an uploaded favicon; the logo's is made again if there is a logo. */
export async function removeFavicon({ ctx }: { ctx: Ctx }): Promise<BrandingSettings> {
  const actor = adminOf(ctx, BRANDING_ADMINS_ONLY);
  const row = await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const current = requireRow((await tx.select().from(branding).for('update'))[0]);
    const icon = current.logoData ? await faviconFrom(current.logoData) : null;
    const [saved] = await tx
      .update(branding)
      .set({
        faviconMime: icon ? 'image/png' : null,
        faviconData: icon,
        faviconSha256: icon ? sha256(icon) : null,
        updatedAt: ctx.deps.now(),
      })
      .returning();
    await record(ctx, { verb: 'branding.favicon_remove' });
    tenantChangedAfterCommit(ctx, actor.tenantId);
    return saved;
  });
  return toSettings(row, '');
}
