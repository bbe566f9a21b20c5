import {
  exchangeGoogleCode,
  GOOGLE_FLOW_LIFETIME_MS,
  GOOGLE_HANDOFF_LIFETIME_MS,
  type GoogleConfig,
  type GoogleIdentity,
  generateToken,
  googleAuthorization,
  hashToken,
  looksLikeToken,
} from '@foyer/auth';
import { system, type TenantActor } from '@foyer/db';
import { SLUG } from '@foyer/names';
import type { Deps } from '../context';
import { actingAs, type Ctx, record, siteOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { type DeviceCookie, issueDeviceCookie } from './devices';
import type { SignedInUser } from './sessions';
import { afterFirstFactor, type FirstFactorOutcome } from './two-factor';
import { EMAIL_MAX_LENGTH } from './validation';

/**
 * "Sign in with Google" (docs/adr/0023-google-central-callback.md). Google returns every tenant's
 * visitors to one redirect URI on the platform host, so the flow crosses hosts:
 *
 * 1. `beginGoogleSignIn`, on the tenant's host: a random browser-binding value for an HttpOnly
 *    cookie there, and a redirect to the platform host carrying the tenant and the binding's hash.
 * 2. `startGoogleAuthorization`, on the platform host: state and PKCE verifier (for short-lived
 *    cookies there) and the redirect to Google.
 * 3. `completeGoogleCallback`, on the platform host: state checked against its cookie, the code
 *    exchanged, the ID token's claims checked, and a one-time hand-off stored for the tenant;
 *    the browser goes on to the tenant's own host.
 * 4. `finishGoogleSignIn`, on the tenant's host: the hand-off redeemed for this tenant and this
 *    browser only, the person settled (linked or registered), and the session opened by
 *    `openPersonSession`, the one place a settled person's session starts.
 */

/** Where Google sends everyone back: the one redirect URI to register with Google. */
export const GOOGLE_CALLBACK_PATH = '/auth/google/callback';
export const GOOGLE_START_PATH = '/auth/google/start';
export const GOOGLE_FINISH_PATH = '/auth/google/finish';

/** Why a Google sign-in ended on the sign-in page instead; each has a fixed sentence there. */
export type GoogleRefusal =
  | 'google-off'
  | 'google-link'
  | 'google-cancelled'
  | 'google-failed'
  | 'google-unverified'
  | 'google-unknown'
  | 'google-deactivated'
  | 'google-other-account';

export const GOOGLE_NOTICES: Record<GoogleRefusal, string> = {
  'google-off': 'Signing in with Google isn’t available here. Sign in with your email and password.',
  'google-link':
    'That Google sign-in expired or was started in another browser. Try “Continue with Google” again.',
  'google-cancelled': 'Google sign-in was cancelled.',
  'google-failed': 'Google couldn’t confirm who you are just now. Try again in a moment.',
  'google-unverified':
    'Google hasn’t verified that account’s email address, so it can’t be used to sign in here.',
  'google-unknown':
    'No account here uses that Google address. Ask the team for an invitation, or sign in with your email and password.',
  'google-deactivated': 'That account has been deactivated. Ask the team if you need access again.',
  'google-other-account':
    'The account with that address is linked to a different Google account. Sign in with that one, or with your password.',
};

/** Whether the platform has Google credentials (Settings → Security says so when not). */
export function googleConfigured(deps: Deps): boolean {
  return Boolean(deps.google);
}

function googleOf(deps: Deps): GoogleConfig {
  if (!deps.google) throw new CoreError('not_found', GOOGLE_NOTICES['google-off']);
  return deps.google;
}

/** Whether the sign-in page of `ctx`'s tenant shows "Continue with Google". */
export async function googleSignInOffered({ ctx }: { ctx: Ctx }): Promise<boolean> {
  if (!ctx.deps.google) return false;
  return (await system.google.state(ctx.deps.db, siteOf(ctx).tenant.id)).signIn;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A `next` worth carrying across hosts: a path on the tenant's host, or nothing. */
function carriedNext(next: string | null | undefined): string | null {
  if (typeof next !== 'string' || next.length > 1024 || !/^\/(?:$|[^/\\])/.test(next)) return null;
  return /^[\x21-\x7e]*$/.test(next) ? next : null;
}

/**
 * Step 1, on the tenant's host: the browser-binding value (for an HttpOnly cookie on this host)
 * and where to send the browser (the platform host's start, with the tenant and the value's hash).
 */
export async function beginGoogleSignIn({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { next?: string | null };
}): Promise<{ binding: string; expiresAt: Date; location: string }> {
  googleOf(ctx.deps);
  if (!(await googleSignInOffered({ ctx }))) throw new CoreError('not_found', GOOGLE_NOTICES['google-off']);
  const binding = generateToken();
  const start = new URL(GOOGLE_START_PATH, ctx.deps.platformOrigin);
  start.searchParams.set('tenant', siteOf(ctx).tenant.slug);
  start.searchParams.set('binding', hashToken(binding));
  const next = carriedNext(input.next);
  if (next) start.searchParams.set('next', next);
  return {
    binding,
    expiresAt: new Date(ctx.deps.now().getTime() + GOOGLE_FLOW_LIFETIME_MS),
    location: start.toString(),
  };
}

/** The flow's context between the platform host's start and its callback, kept in a cookie. */
export interface GoogleFlow {
  state: string;
  codeVerifier: string;
  /** `<slug>.<binding hash>.<next, base64url>`. */
  context: string;
}

function flowContext(slug: string, bindingHash: string, next: string | null): string {
  return `${slug}.${bindingHash}.${Buffer.from(next ?? '', 'utf8').toString('base64url')}`;
}

function readFlowContext(context: string): { slug: string; bindingHash: string; next: string | null } | null {
  const [slug, bindingHash, next64, extra] = context.split('.');
  if (!slug || !bindingHash || next64 === undefined || extra !== undefined) return null;
  if (!SLUG.test(slug) || !HEX64.test(bindingHash) || !/^[A-Za-z0-9_-]*$/.test(next64)) return null;
  return { slug, bindingHash, next: carriedNext(Buffer.from(next64, 'base64url').toString('utf8')) };
}

/**
 * Step 2, on the platform host: for a tenant that offers Google sign-in, a fresh state and PKCE
 * verifier (for short-lived cookies on this host) and Google's authorize URL.
 */
export async function startGoogleAuthorization({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { tenant: string | null; binding: string | null; next?: string | null };
}): Promise<{ location: string; flow: GoogleFlow; expiresAt: Date }> {
  const config = googleOf(ctx.deps);
  const slug = input.tenant ?? '';
  const bindingHash = input.binding ?? '';
  if (!SLUG.test(slug) || slug.length > 63 || !HEX64.test(bindingHash))
    throw new CoreError('validation', GOOGLE_NOTICES['google-link']);
  const site = await ctx.deps.siteForSlug(slug);
  if (site?.tenant.status !== 'active' || !site)
    throw new CoreError('not_found', GOOGLE_NOTICES['google-off']);
  if (!(await system.google.state(ctx.deps.db, site.tenant.id)).signIn)
    throw new CoreError('not_found', GOOGLE_NOTICES['google-off']);
  const redirectUri = new URL(GOOGLE_CALLBACK_PATH, ctx.deps.platformOrigin).toString();
  const authorization = googleAuthorization(config, redirectUri);
  return {
    location: authorization.url.toString(),
    flow: {
      state: authorization.state,
      codeVerifier: authorization.codeVerifier,
      context: flowContext(slug, bindingHash, carriedNext(input.next)),
    },
    expiresAt: new Date(ctx.deps.now().getTime() + GOOGLE_FLOW_LIFETIME_MS),
  };
}

/** The tenant's sign-in page with a fixed notice. */
function signInPage(origin: string, notice: GoogleRefusal): string {
  const url = new URL('/login', origin);
  url.searchParams.set('notice', notice);
  return url.toString();
}

/**
 * Step 3, on the platform host (Google's redirect). The state must be the one in this browser's
 * cookie, which the caller has already cleared (single use): a replayed or forged callback is
 * refused with `expired`. Then the code is exchanged with the verifier, the ID token's claims are
 * checked, and an unverified address is refused; what Google vouched for becomes a hand-off for
 * the tenant's own host. Resolves to where the browser goes next: the tenant's finish route, or
 * its sign-in page with a notice.
 */
export async function completeGoogleCallback({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    code: string | null;
    state: string | null;
    error: string | null;
    /** The flow's cookies, as this browser sent them (null when absent). */
    flow: { state: string | null; codeVerifier: string | null; context: string | null };
  };
}): Promise<{ location: string }> {
  const config = googleOf(ctx.deps);
  const { flow } = input;
  const context = flow.context ? readFlowContext(flow.context) : null;
  if (!flow.state || !flow.codeVerifier || !context || !input.state || input.state !== flow.state)
    throw new CoreError('expired', GOOGLE_NOTICES['google-link']);
  const site = await ctx.deps.siteForSlug(context.slug);
  if (site?.tenant.status !== 'active' || !site)
    throw new CoreError('not_found', GOOGLE_NOTICES['google-off']);
  const origin = site.tenant.origin;
  if (input.error || !input.code || input.code.length > 2048)
    return {
      location: signInPage(origin, input.error === 'access_denied' ? 'google-cancelled' : 'google-failed'),
    };

  const redirectUri = new URL(GOOGLE_CALLBACK_PATH, ctx.deps.platformOrigin).toString();
  let identity: GoogleIdentity;
  try {
    identity = await exchangeGoogleCode(config, redirectUri, input.code, flow.codeVerifier, ctx.deps.now());
  } catch {
    // The provider's answer is not logged: it may carry tokens.
    return { location: signInPage(origin, 'google-failed') };
  }
  if (!identity.emailVerified || identity.email.length > EMAIL_MAX_LENGTH)
    return { location: signInPage(origin, 'google-unverified') };

  const code = generateToken();
  const made = await system.google.createHandoff(ctx.deps.db, {
    tokenHash: hashToken(code),
    tenantId: site.tenant.id,
    bindingHash: context.bindingHash,
    googleSub: identity.sub,
    email: identity.email,
    name: identity.name,
    expiresAt: new Date(ctx.deps.now().getTime() + GOOGLE_HANDOFF_LIFETIME_MS),
  });
  if (!made) return { location: signInPage(origin, 'google-off') };
  const finish = new URL(GOOGLE_FINISH_PATH, origin);
  finish.searchParams.set('code', code);
  if (context.next) finish.searchParams.set('next', context.next);
  return { location: finish.toString() };
}

/** A settled person, about to be signed in. */
export interface SettledPerson {
  userId: string;
  role: SignedInUser['role'];
  clientId: string | null;
  name: string;
  email: string;
}

/** What a settled Google sign-in leads to: a session, or the second step for two-factor. */
export type OpenedSession = FirstFactorOutcome & { device: DeviceCookie };

/**
 * Hands a person whose identity is settled (by Google here) to the same step a password leads
 * to (`afterFirstFactor`): the session at once, with the one `auth.sign_in` entry naming the
 * method, or, for a person with two-factor whose browser is not remembered, the pending sign-in
 * of the second step. Either way the browser gets a fresh device cookie, as after a password.
 */
export async function openPersonSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    person: SettledPerson;
    method: 'google';
    remembered?: string | null;
    data?: Record<string, unknown>;
  };
}): Promise<OpenedSession> {
  const tenantId = siteOf(ctx).tenant.id;
  const { person } = input;
  const outcome = await afterFirstFactor({
    ctx,
    input: {
      userId: person.userId,
      role: person.role,
      clientId: person.clientId,
      method: input.method,
      remembered: input.remembered ?? null,
      data: input.data,
    },
  });
  return { ...outcome, device: issueDeviceCookie(ctx.deps, { tenantId, email: person.email.toLowerCase() }) };
}

/** Matches no binding hash (those are SHA-256 digests of random tokens). */
const NO_BINDING = '0'.repeat(64);

const REFUSED: Record<string, GoogleRefusal> = {
  invalid: 'google-link',
  disabled: 'google-off',
  deactivated: 'google-deactivated',
  unknown: 'google-unknown',
  other_google: 'google-other-account',
};

/**
 * Step 4, on the tenant's host: redeems the hand-off `code` for this tenant and the browser whose
 * binding cookie is `binding` (once, before it lapses), settles the person (linked by Google
 * account, else by verified address, else registered as a client when the tenant allows it) and
 * opens their session. A refusal is recorded as the visitor who tried, with the reason.
 */
export async function finishGoogleSignIn({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { code: string | null; binding: string | null; remembered?: string | null };
}): Promise<({ ok: true } & OpenedSession) | { ok: false; refusal: GoogleRefusal }> {
  const tenantId = siteOf(ctx).tenant.id;
  const refuse = async (refusal: GoogleRefusal, email: string | null) => {
    const visitor = actingAs(ctx, { kind: 'visitor', tenantId });
    await transact(visitor, (ctx) =>
      record(ctx, {
        verb: 'auth.sign_in_failed',
        data: {
          method: 'google',
          reason: refusal,
          ...(email ? { email: email.slice(0, EMAIL_MAX_LENGTH) } : {}),
        },
      }),
    );
    return { ok: false as const, refusal };
  };
  if (!ctx.deps.google) return refuse('google-off', null);
  if (!looksLikeToken(input.code ?? undefined)) return refuse('google-link', null);
  // Without a binding cookie the code is still presented, so that it is spent all the same.
  const binding = looksLikeToken(input.binding ?? undefined) ? hashToken(input.binding ?? '') : NO_BINDING;
  const settled = await system.google.finish(ctx.deps.db, tenantId, hashToken(input.code ?? ''), binding);
  if (settled.outcome !== 'person' && settled.outcome !== 'linked' && settled.outcome !== 'registered')
    return refuse(REFUSED[settled.outcome] ?? 'google-link', settled.email);
  const session = await openPersonSession({
    ctx,
    input: {
      person: settled,
      method: 'google',
      remembered: input.remembered ?? null,
      data: {
        ...(settled.outcome === 'linked' ? { linked: true } : {}),
        ...(settled.outcome === 'registered' ? { registered: true } : {}),
      },
    },
  });
  return { ok: true, ...session };
}
