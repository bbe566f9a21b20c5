import {
  EMAIL_VERIFY_LIFETIME_MS,
  generateToken,
  HANDOFF_LIFETIME_MS,
  hashPassword,
  hashToken,
  passwordProblem,
} from '@foyer/auth';
import { system } from '@foyer/db';
import { normaliseSlug } from '@foyer/names';
import { z } from 'zod';
import { actingAs, type Ctx, record, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { ensureBoard } from '../tenants/board';
import { actorFor } from './sessions';
import { type AccountAndIpLimits, withinLimits } from './throttle';
import { emailSchema, fieldErrors, nameSchema, passwordInput, slugProblem } from './validation';

export const signUpInput = z.object({
  agencyName: nameSchema('your agency’s name'),
  slug: z.string().trim().toLowerCase(),
  name: nameSchema('your name'),
  email: emailSchema,
  password: passwordInput,
});
export type SignUpInput = z.input<typeof signUpInput>;

/** Is this workspace address free? Answers the live check on the sign-up form. */
export async function checkSlug({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { slug: string };
}): Promise<{ available: boolean; message: string | null }> {
  const slug = normaliseSlug(input.slug);
  const problem = slugProblem(slug);
  if (problem) return { available: false, message: problem };
  if (!(await system.tenants.slugAvailable(ctx.deps.db, slug)))
    return { available: false, message: 'This address is taken.' };
  return { available: true, message: null };
}

/**
 * A new workspace is a new sender of email and a new set of hosts: a person or script making
 * many is refused per address it gives and per IP it comes from. An office behind one address
 * can still make several in an hour.
 */
export const SIGN_UP_LIMITS: AccountAndIpLimits = {
  perAccount: { limit: 3, windowSeconds: 60 * 60 },
  perIp: { limit: 10, windowSeconds: 60 * 60 },
};

export const SIGN_UP_THROTTLED =
  'Too many workspaces were created from here or with this email just now. Wait an hour, then try again.';

/**
 * Creates an agency and its first admin, for a visitor on the platform host. Returns where to
 * send the browser: the new host with a one-time hand-off token (cookies are per host, so the
 * session is opened there). The new admin's first activity entry, in the new workspace, is its
 * creation.
 */
export async function signUp({
  ctx,
  input: raw,
}: {
  ctx: Ctx;
  input: SignUpInput;
}): Promise<{ tenantId: string; slug: string; handoffUrl: string }> {
  const { deps } = ctx;
  const parsed = signUpInput.safeParse(raw);
  const fields = parsed.success ? {} : fieldErrors(parsed.error);
  const input = parsed.success ? parsed.data : null;
  const slug = normaliseSlug(raw.slug ?? '');
  const slugIssue = slugProblem(slug);
  if (slugIssue) fields.slug ??= slugIssue;
  const passwordIssue = passwordProblem(raw.password ?? '', { email: raw.email, name: raw.name });
  if (passwordIssue) fields.password ??= passwordIssue;
  if (!input || Object.keys(fields).length > 0) throw invalid(fields);
  // Before the address is looked up or the password hashed: a refused attempt costs nothing.
  const allowed = await withinLimits(deps, SIGN_UP_LIMITS, {
    account: `sign-up:${input.email.toLowerCase()}`,
    ip: `sign-up-ip:${ctx.client?.ip ?? ''}`,
  });
  if (!allowed) throw new CoreError('throttled', SIGN_UP_THROTTLED);

  if (!(await system.tenants.slugAvailable(deps.db, slug))) throw invalid({ slug: 'This address is taken.' });
  const handoff = generateToken();
  const verify = generateToken();
  const verifyUrl = new URL('/verify-email', deps.tenantOriginForSlug(slug));
  verifyUrl.searchParams.set('token', verify);
  let created: { tenantId: string; userId: string };
  try {
    created = await system.tenants.signUp(deps.db, {
      slug,
      name: input.agencyName,
      adminName: input.name,
      email: input.email,
      passwordHash: await hashPassword(input.password),
      handoffHash: hashToken(handoff),
      handoffExpires: new Date(deps.now().getTime() + HANDOFF_LIFETIME_MS),
      verifyHash: hashToken(verify),
      verifyExpires: new Date(deps.now().getTime() + EMAIL_VERIFY_LIFETIME_MS),
      verifyVars: {
        verifyUrl: verifyUrl.toString(),
        expiresInHours: Math.round(EMAIL_VERIFY_LIFETIME_MS / 3_600_000),
      },
    });
  } catch (error) {
    // Someone took the address between the check and the insert.
    if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ slug: 'This address is taken.' });
    throw error;
  }
  const { tenantId, userId } = created;
  const admin = actingAs(ctx, actorFor(tenantId, { userId, role: 'admin', clientId: null }));
  await transact(admin, async (ctx) => {
    await ensureBoard(ctx.tx, tenantId);
    await record(ctx, {
      verb: 'workspace.created',
      subject: { type: 'tenant', id: tenantId },
      data: { slug, name: input.agencyName },
    });
  });
  const url = new URL('/auth/handoff', deps.tenantOriginForSlug(slug));
  url.searchParams.set('token', handoff);
  return { tenantId, slug, handoffUrl: url.toString() };
}
