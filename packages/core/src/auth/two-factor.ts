import {
  generateRecoveryCodes,
  generateToken,
  generateTotpSecret,
  hashRecoveryCode,
  hashToken,
  looksLikeRecoveryCode,
  looksLikeToken,
  matchTotp,
  qrSvg,
  sessionExpiry,
  totpUri,
  verifyPassword,
} from '@foyer/auth';
import { and, eq, schema, sql, system, type TenantActor } from '@foyer/db';
import { z } from 'zod';
import type { Deps } from '../context';
import { actingAs, type Ctx, type Person, personOf, record, siteOf, type TxCtx, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { parseInput } from '../input';
import { queueEmail } from '../mail/outbox';
import { actorFor, openSession, type SignedInUser } from './sessions';
import { CURRENT_PASSWORD_LIMIT, type Limit } from './throttle';

/**
 * Two-factor sign-in (TOTP) for the people of a tenant: set-up, recovery codes, the second step
 * of a sign-in and "remember this browser". See docs/security.md#two-factor and docs/adr/0022.
 *
 * A sign-in whose first factor passed (a password, or Google through `afterFirstFactor`) for a
 * person with two-factor on becomes a pending sign-in: a ten-minute, single-use token in its own
 * cookie, stored hashed in `app.pending_sign_ins`, never a session. `completeSecondFactor` turns
 * it into a session when a code is accepted, in one statement (`app_system.complete_two_factor`).
 */

const { twoFactor, users, pendingSignIns } = schema;

/** The purpose the TOTP secret is sealed under (FOYER_SECRET_KEY, AES-256-GCM). */
const SECRET_PURPOSE = 'two-factor-secret-v1';
const REMEMBER_PURPOSE = 'two-factor-remember-v1';

/** A pending sign-in waits ten minutes for its second factor. */
export const PENDING_SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;
/** A remembered browser skips the code for thirty days. */
export const REMEMBER_BROWSER_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Second-factor guesses: five per pending sign-in (then sign in again) and ten per account per
 * fifteen minutes, whichever comes first. A million codes and three accepted at any moment make
 * a guess succeed with p = 3e-6, so an account sees at most ~1e-4 per hour.
 */
export const SECOND_FACTOR_LIMITS: { perPending: Limit; perAccount: Limit } = {
  perPending: { limit: 5, windowSeconds: 10 * 60 },
  perAccount: { limit: 10, windowSeconds: 15 * 60 },
};

export const SECOND_FACTOR_THROTTLED = 'Too many codes tried. Wait a few minutes, then sign in again.';
const WRONG_CODE = 'That code didn’t work. Check your authenticator app and try again.';
const WRONG_RECOVERY = 'That recovery code didn’t work, or it was already used.';
const PENDING_GONE = 'Your sign-in took too long or was already used. Sign in again.';

const sealSecret = (deps: Deps, secret: string) => deps.mail.secrets.seal(secret, SECRET_PURPOSE);
function openSecret(deps: Deps, sealed: string): string {
  const secret = deps.mail.secrets.open(sealed, SECRET_PURPOSE);
  if (!secret) throw new Error('a two-factor secret does not open with this FOYER_SECRET_KEY');
  return secret;
}

// ---- remember this browser ----

const rememberSubject = (tenantId: string, userId: string, epoch: number, issued: number) =>
  `${tenantId}\n${userId}\n${epoch}\n${issued}`;

export interface RememberCookie {
  value: string;
  expiresAt: Date;
}

/** A "remember this browser" cookie for this person at their current remember epoch. */
export function issueRememberCookie(
  deps: Deps,
  input: { tenantId: string; userId: string; epoch: number },
): RememberCookie {
  const issued = Math.floor(deps.now().getTime() / 1000);
  const mac = deps.mail.secrets.mac(
    rememberSubject(input.tenantId, input.userId, input.epoch, issued),
    REMEMBER_PURPOSE,
  );
  return {
    value: `${input.userId}.${input.epoch}.${issued}.${mac}`,
    expiresAt: new Date(issued * 1000 + REMEMBER_BROWSER_LIFETIME_MS),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The remember epoch a browser's cookie vouches for, for this person: null when absent, forged,
 * another person's, or older than thirty days by `deps.now`. The database then checks the epoch
 * against the person's current one.
 */
export function rememberedEpoch(
  deps: Deps,
  input: { tenantId: string; userId: string; cookie: string | null | undefined },
): number | null {
  const { cookie } = input;
  if (typeof cookie !== 'string' || cookie.length > 200) return null;
  const [userId, epochText, issuedText, mac, extra] = cookie.split('.');
  if (!userId || !epochText || !issuedText || !mac || extra !== undefined) return null;
  if (userId !== input.userId || !UUID.test(userId)) return null;
  if (!/^\d{1,9}$/.test(epochText) || !/^\d{1,12}$/.test(issuedText)) return null;
  const epoch = Number(epochText);
  const issued = Number(issuedText);
  const ok = deps.mail.secrets.verifyMac(
    rememberSubject(input.tenantId, userId, epoch, issued),
    REMEMBER_PURPOSE,
    mac,
  );
  if (!ok) return null;
  const now = deps.now().getTime();
  if (issued * 1000 + REMEMBER_BROWSER_LIFETIME_MS <= now) return null;
  return epoch;
}

/** The user id a remember cookie names (unverified: only to look its person up). */
export const rememberCookieUser = (cookie: string | null | undefined): string | null => {
  const userId = typeof cookie === 'string' ? cookie.split('.')[0] : undefined;
  return userId && UUID.test(userId) ? userId : null;
};

// ---- the person's own two-factor ----

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
}

async function ownRow(ctx: TxCtx, me: Person) {
  const [row] = await ctx.tx
    .select()
    .from(twoFactor)
    .where(and(eq(twoFactor.tenantId, me.tenantId), eq(twoFactor.userId, me.userId)));
  return row ?? null;
}

/** Whether the signed-in person has two-factor on (their account page). */
export async function twoFactorStatus({ ctx }: { ctx: Ctx }): Promise<TwoFactorStatus> {
  const me = personOf(ctx);
  return transact(ctx, async (ctx) => {
    const row = await ownRow(ctx, me);
    return {
      enabled: row?.enabledAt != null,
      enabledAt: row?.enabledAt ?? null,
      recoveryCodesLeft: row?.enabledAt ? row.recoveryCodes.length : 0,
    };
  });
}

export interface TwoFactorSetup {
  /** Base32, for typing into an app. */
  secret: string;
  uri: string;
  /** The QR code of `uri`, an SVG document rendered here. */
  qrSvg: string;
}

const ALREADY_ON = 'Two-factor is already on for your account.';

/**
 * The set-up screen: a secret (kept while set-up is unfinished, so a reload shows the same QR
 * code) to add to an authenticator app. Nothing is on until `confirmTwoFactor`. Not an action
 * of its own: it records nothing.
 */
export async function beginTwoFactorSetup({ ctx }: { ctx: Ctx }): Promise<TwoFactorSetup> {
  const me = personOf(ctx);
  const { deps } = ctx;
  const secret = await transact(ctx, async (ctx) => {
    const row = await ownRow(ctx, me);
    if (row?.enabledAt) throw new CoreError('conflict', ALREADY_ON);
    if (row) return openSecret(deps, row.secretSealed);
    const fresh = generateTotpSecret();
    await ctx.tx
      .insert(twoFactor)
      .values({ tenantId: me.tenantId, userId: me.userId, secretSealed: sealSecret(deps, fresh) });
    return fresh;
  });
  const [self] = await transact(ctx, ({ tx }) =>
    tx
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
  const uri = totpUri(siteOf(ctx).branding.displayName, self?.email ?? '', secret);
  return { secret, uri, qrSvg: qrSvg(uri) };
}

const codeInput = z.object({
  code: z
    .string()
    .trim()
    .max(20)
    .regex(/^[\d\s-]*$/, 'Enter the 6 digits from your app.')
    .refine((v) => v.replace(/[\s-]/g, '').length === 6, 'Enter the 6 digits from your app.'),
});

async function accountEmail(
  ctx: TxCtx,
  me: Person,
  vars: { enabled?: boolean; disabled?: boolean; recoveryUsed?: boolean; recoveryLeft?: number },
) {
  await queueEmail(ctx.tx, {
    tenantId: me.tenantId,
    template: 'two-factor-changed',
    to: { userId: me.userId },
    vars: {
      enabled: vars.enabled ?? false,
      disabled: vars.disabled ?? false,
      recoveryUsed: vars.recoveryUsed ?? false,
      recoveryLeft: vars.recoveryLeft ?? 0,
      accountUrl: new URL('/account', siteOf(ctx).tenant.origin).toString(),
    },
  });
}

/**
 * Turns two-factor on with a first code from the app; returns the ten recovery codes, shown this
 * once. Every remembered browser of an earlier set-up is forgotten.
 */
export async function confirmTwoFactor({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof codeInput>;
}): Promise<{ recoveryCodes: string[] }> {
  const me = personOf(ctx);
  const { code } = parseInput(codeInput, input);
  const { deps } = ctx;
  const codes = generateRecoveryCodes();
  await transact(ctx, async (ctx) => {
    const row = await ownRow(ctx, me);
    if (row?.enabledAt) throw new CoreError('conflict', ALREADY_ON);
    if (!row) throw new CoreError('conflict', 'Start the set-up again: scan the new code.');
    const step = matchTotp(openSecret(deps, row.secretSealed), code, deps.now());
    if (step === null || step <= row.lastStep) throw invalid({ code: WRONG_CODE });
    await ctx.tx
      .update(twoFactor)
      .set({
        enabledAt: deps.now(),
        lastStep: step,
        recoveryCodes: codes.map(hashRecoveryCode),
        rememberEpoch: sql`${twoFactor.rememberEpoch} + 1`,
        updatedAt: deps.now(),
      })
      .where(and(eq(twoFactor.tenantId, me.tenantId), eq(twoFactor.userId, me.userId)));
    await record(ctx, { verb: 'auth.two_factor_enabled', subject: { type: 'user', id: me.userId } });
    await accountEmail(ctx, me, { enabled: true });
  });
  return { recoveryCodes: codes };
}

/** New recovery codes; the old ones stop working at once. */
export async function regenerateRecoveryCodes({ ctx }: { ctx: Ctx }): Promise<{ recoveryCodes: string[] }> {
  const me = personOf(ctx);
  const codes = generateRecoveryCodes();
  await transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .update(twoFactor)
      .set({ recoveryCodes: codes.map(hashRecoveryCode), updatedAt: ctx.deps.now() })
      .where(
        and(
          eq(twoFactor.tenantId, me.tenantId),
          eq(twoFactor.userId, me.userId),
          sql`${twoFactor.enabledAt} is not null`,
        ),
      )
      .returning({ userId: twoFactor.userId });
    if (!row) throw new CoreError('conflict', 'Turn two-factor on first.');
    await record(ctx, { verb: 'auth.recovery_codes_regenerated', subject: { type: 'user', id: me.userId } });
  });
  return { recoveryCodes: codes };
}

const disableInput = z
  .object({
    password: z.string().max(1000).optional().default(''),
    code: z.string().trim().max(20).optional().default(''),
  })
  .refine((v) => v.password !== '' || v.code !== '', {
    message: 'Enter your password or a current code.',
    path: ['password'],
  });

/**
 * Turns two-factor off, after the person proves it is them again: their password or a current
 * code (each counted like re-entering a password). Remembered browsers go with it.
 */
export async function disableTwoFactor({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof disableInput>;
}): Promise<void> {
  const me = personOf(ctx);
  const { password, code } = parseInput(disableInput, input);
  const { deps } = ctx;
  const { limit, windowSeconds } = CURRENT_PASSWORD_LIMIT;
  if (
    !(await system.throttle.hit(
      deps.db,
      `current-password:${me.tenantId}:${me.userId}`,
      limit,
      windowSeconds,
    ))
  )
    throw new CoreError('throttled', 'Too many attempts. Wait a few minutes, then try again.');
  if (password) {
    const [self] = await transact(ctx, ({ tx }) =>
      tx
        .select({ hash: users.passwordHash })
        .from(users)
        .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
    );
    if (!self?.hash || !(await verifyPassword(self.hash, password)))
      throw invalid({ password: 'That isn’t your current password.' });
  }
  await transact(ctx, async (ctx) => {
    const row = await ownRow(ctx, me);
    if (!row?.enabledAt) throw new CoreError('conflict', 'Two-factor is already off.');
    if (!password) {
      const step = matchTotp(openSecret(deps, row.secretSealed), code, deps.now());
      if (step === null || step <= row.lastStep) throw invalid({ code: WRONG_CODE });
    }
    await ctx.tx
      .delete(twoFactor)
      .where(and(eq(twoFactor.tenantId, me.tenantId), eq(twoFactor.userId, me.userId)));
    await ctx.tx
      .delete(pendingSignIns)
      .where(and(eq(pendingSignIns.tenantId, me.tenantId), eq(pendingSignIns.userId, me.userId)));
    await record(ctx, { verb: 'auth.two_factor_disabled', subject: { type: 'user', id: me.userId } });
    await accountEmail(ctx, me, { disabled: true });
  });
}

/** "Forget remembered browsers": every browser asks for a code again at its next sign-in. */
export async function forgetRememberedBrowsers({ ctx }: { ctx: Ctx }): Promise<void> {
  const me = personOf(ctx);
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .update(twoFactor)
      .set({ rememberEpoch: sql`${twoFactor.rememberEpoch} + 1`, updatedAt: ctx.deps.now() })
      .where(and(eq(twoFactor.tenantId, me.tenantId), eq(twoFactor.userId, me.userId)));
    await record(ctx, {
      verb: 'auth.remembered_browsers_forgotten',
      subject: { type: 'user', id: me.userId },
    });
  });
}

// ---- signing in ----

export type FirstFactorMethod = 'password' | 'google';

/** What a passed first factor leads to: a session, or the second step. */
export type FirstFactorOutcome =
  | {
      kind: 'session';
      token: string;
      expiresAt: Date;
      user: SignedInUser;
      actor: TenantActor;
      /** 'remembered' when a remembered browser skipped the code; null without two-factor. */
      secondFactor: 'remembered' | null;
    }
  | { kind: 'pending'; token: string; expiresAt: Date };

/**
 * The step after any first factor other than the password (which the database does in the same
 * statement as its check, `app_system.sign_in`, to the same rule): for a person whose identity
 * was just proven on this tenant's host, open the session, unless they have two-factor on and
 * `remembered` (the browser's remember cookie) does not vouch for this browser; then a pending
 * sign-in for `completeSecondFactor`. Records `auth.sign_in` when a session opens.
 */
export async function afterFirstFactor({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    userId: string;
    role: SignedInUser['role'];
    clientId: string | null;
    method: FirstFactorMethod;
    remembered?: string | null;
    /** More to say in the `auth.sign_in` entry when the session opens at once (e.g. `linked`). */
    data?: Record<string, unknown>;
  };
}): Promise<FirstFactorOutcome> {
  const tenantId = siteOf(ctx).tenant.id;
  const { deps } = ctx;
  const actor = actorFor(tenantId, input);
  const epoch = rememberedEpoch(deps, { tenantId, userId: input.userId, cookie: input.remembered });
  return transact(actingAs(ctx, actor), async (ctx) => {
    const [self] = await ctx.tx
      .select({ name: users.name, email: users.email, status: users.status })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, input.userId)));
    if (self?.status !== 'active') throw new CoreError('unauthenticated', 'Sign in first.');
    const row = await ownRow(ctx, { ...actor, kind: input.role, userId: input.userId } as Person);
    if (row?.enabledAt && (epoch === null || epoch !== row.rememberEpoch)) {
      const token = generateToken();
      const expiresAt = new Date(deps.now().getTime() + PENDING_SIGN_IN_LIFETIME_MS);
      await ctx.tx
        .insert(pendingSignIns)
        .values({ tenantId, id: hashToken(token), userId: input.userId, method: input.method, expiresAt });
      return { kind: 'pending', token, expiresAt };
    }
    const secondFactor = row?.enabledAt ? ('remembered' as const) : null;
    const session = await openSession({ ctx });
    await record(ctx, {
      verb: 'auth.sign_in',
      subject: { type: 'user', id: input.userId },
      data: { method: input.method, ...input.data, ...(secondFactor ? { secondFactor } : {}) },
    });
    return {
      kind: 'session',
      ...session,
      actor,
      user: { id: input.userId, name: self.name, email: self.email, role: input.role },
      secondFactor,
    };
  });
}

const secondFactorInput = z.object({
  code: z.string().trim().max(40),
  /** 'totp' (the default) or 'recovery'. */
  kind: z.enum(['totp', 'recovery']).default('totp'),
  remember: z.boolean().default(false),
});

export interface SecondFactorResult {
  token: string;
  expiresAt: Date;
  user: SignedInUser;
  actor: TenantActor;
  /** Set when the person asked to remember this browser. */
  remember: RememberCookie | null;
}

/**
 * Counts a second-step attempt against its pending sign-in and its account (`accountKey`), both
 * always; true while both are within SECOND_FACTOR_LIMITS. For agency people and operators alike.
 */
async function secondFactorAllowed(deps: Deps, pendingId: string, accountKey: string): Promise<boolean> {
  const { perPending, perAccount } = SECOND_FACTOR_LIMITS;
  const [pendingOk, accountOk] = await Promise.all([
    system.throttle.hit(deps.db, `two-factor:${pendingId}`, perPending.limit, perPending.windowSeconds),
    system.throttle.hit(deps.db, accountKey, perAccount.limit, perAccount.windowSeconds),
  ]);
  return pendingOk && accountOk;
}

/**
 * What the database is asked to accept for a typed code: the TOTP step it matched, or the hash of
 * a recovery code. Null when it cannot be right (no step matches; not shaped like a recovery code).
 */
function readSecondFactor(
  deps: Deps,
  secretSealed: string,
  typed: { kind: 'totp' | 'recovery'; code: string },
  now: Date,
): { step: number | null; recoveryHash: string | null } | null {
  if (typed.kind === 'totp') {
    const step = matchTotp(openSecret(deps, secretSealed), typed.code, now);
    return step === null ? null : { step, recoveryHash: null };
  }
  return looksLikeRecoveryCode(typed.code)
    ? { step: null, recoveryHash: hashRecoveryCode(typed.code) }
    : null;
}

/** A new session's token for the cookie, and the facts the database stores (never the token). */
function newSession(ctx: Ctx, now: Date) {
  const token = generateToken();
  const expiresAt = sessionExpiry(now);
  const session = {
    sessionId: hashToken(token),
    expiresAt,
    ip: ctx.client?.ip || null,
    userAgent: ctx.client?.userAgent?.slice(0, 500) ?? null,
  };
  return { token, expiresAt, session };
}

/**
 * The second step: `token` is the pending sign-in's cookie. A wrong code keeps the pending
 * sign-in (within its limits); an accepted one ends it and opens the session. Codes are checked
 * here against the unsealed secret; the database accepts the matched step only when it is later
 * than the last one used, and a recovery code only while it is unused, so neither works twice.
 */
export async function completeSecondFactor({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string | null | undefined } & z.input<typeof secondFactorInput>;
}): Promise<SecondFactorResult> {
  const tenantId = siteOf(ctx).tenant.id;
  const { deps } = ctx;
  if (!looksLikeToken(input.token)) throw new CoreError('expired', PENDING_GONE);
  const { code, kind, remember } = parseInput(secondFactorInput, input);
  const pendingId = hashToken(input.token);
  const now = deps.now();
  const pending = await system.twoFactor.pending(deps.db, tenantId, pendingId, now);
  if (!pending) throw new CoreError('expired', PENDING_GONE);

  const allowed = await secondFactorAllowed(
    deps,
    pendingId,
    `two-factor-account:${tenantId}:${pending.userId}`,
  );
  const visitor = actingAs(ctx, { kind: 'visitor', tenantId });
  const failed = async (reason: 'code' | 'recovery' | 'throttled'): Promise<never> => {
    await transact(visitor, (ctx) =>
      record(ctx, {
        verb: 'auth.two_factor_failed',
        subject: { type: 'user', id: pending.userId },
        data: { kind, reason },
      }),
    );
    if (reason === 'throttled') throw new CoreError('throttled', SECOND_FACTOR_THROTTLED);
    throw invalid({ code: reason === 'recovery' ? WRONG_RECOVERY : WRONG_CODE });
  };
  if (!allowed) return failed('throttled');

  const typed = readSecondFactor(deps, pending.secretSealed, { kind, code }, now);
  if (!typed) return failed(kind === 'totp' ? 'code' : 'recovery');
  const { token, expiresAt, session } = newSession(ctx, now);
  const done = await system.twoFactor.complete(deps.db, tenantId, { pendingId, now, ...typed, ...session });
  if (!done) return failed(kind === 'totp' ? 'code' : 'recovery');

  const actor = actorFor(tenantId, done);
  const me = { ...actor, userId: done.userId } as Person;
  const secondFactor = kind;
  await transact(actingAs(ctx, actor), async (ctx) => {
    await record(ctx, {
      verb: 'auth.sign_in',
      subject: { type: 'user', id: done.userId },
      data: { method: done.method, secondFactor },
    });
    if (kind === 'recovery')
      await accountEmail(ctx, me, { recoveryUsed: true, recoveryLeft: done.recoveryLeft });
  });
  return {
    token,
    expiresAt,
    actor,
    user: { id: done.userId, name: done.name, email: done.email, role: done.role },
    remember: remember
      ? issueRememberCookie(deps, { tenantId, userId: done.userId, epoch: done.rememberEpoch })
      : null,
  };
}

/** Whether the signed-in team member must set up two-factor before anything else (Settings → Security). */
export async function mustSetUpTwoFactor({ ctx }: { ctx: Ctx }): Promise<boolean> {
  const me = personOf(ctx);
  if (me.kind === 'client' || ctx.previewBy) return false;
  return transact(ctx, async (ctx) => {
    const [row] = await ctx.tx
      .select({
        required: sql<boolean>`coalesce((select s.require_team_two_factor from app.security_settings s where s.tenant_id = ${me.tenantId}), false)`,
        enabled: sql<boolean>`exists (select 1 from app.two_factor t where t.tenant_id = ${me.tenantId} and t.user_id = ${me.userId} and t.enabled_at is not null)`,
      })
      .from(sql`(select 1) as one`);
    return row?.required === true && row.enabled !== true;
  });
}

/** Admins' view of who in the team has two-factor on (Settings → Security). */
export async function teamTwoFactor({
  ctx,
}: {
  ctx: Ctx;
}): Promise<{ userId: string; name: string; email: string; role: 'admin' | 'staff'; enabled: boolean }[]> {
  const me = personOf(ctx);
  if (me.kind !== 'admin') throw new CoreError('forbidden', 'Only admins see this.');
  return transact(ctx, async ({ tx }) => {
    const rows = await tx
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        enabledAt: twoFactor.enabledAt,
      })
      .from(users)
      .leftJoin(twoFactor, and(eq(twoFactor.tenantId, users.tenantId), eq(twoFactor.userId, users.id)))
      .where(sql`${users.role} in ('admin', 'staff') and ${users.status} = 'active'`)
      .orderBy(sql`lower(${users.name})`);
    return rows.map((r) => ({
      userId: r.userId,
      name: r.name,
      email: r.email,
      role: r.role as 'admin' | 'staff',
      enabled: r.enabledAt != null,
    }));
  });
}

// ---- operators (on the platform host; their tables are reached only through app_system) ----

/** What an operator's remember cookie is signed for, in place of a tenant. */
export const OPERATOR_SCOPE = 'platform-operator';

/** The signed-in operator, as `resolveOperator` returned them (its session is checked again). */
interface OperatorRef {
  id: string;
  email: string;
  sessionId: string;
}

/** Whether the operator has two-factor on, and whether they must set it up before anything else. */
export async function operatorTwoFactorStatus({
  ctx,
  operator,
}: {
  ctx: Ctx;
  operator: OperatorRef;
}): Promise<{ enabled: boolean; mustSetUp: boolean; recoveryCodesLeft: number }> {
  const state = await system.twoFactor.operatorState(ctx.deps.db, operator.sessionId);
  const enabled = state?.enabledAt != null;
  return {
    enabled,
    mustSetUp: ctx.deps.operatorTwoFactorRequired === true && !enabled,
    recoveryCodesLeft: enabled ? (state?.recoveryLeft ?? 0) : 0,
  };
}

/** The operator's set-up screen: as `beginTwoFactorSetup`, issuer the platform's domain. */
export async function beginOperatorTwoFactor({
  ctx,
  operator,
}: {
  ctx: Ctx;
  operator: OperatorRef;
}): Promise<TwoFactorSetup> {
  const { deps } = ctx;
  const sealed = await system.twoFactor.operatorBegin(
    deps.db,
    operator.sessionId,
    sealSecret(deps, generateTotpSecret()),
  );
  if (!sealed) throw new CoreError('conflict', ALREADY_ON);
  const secret = openSecret(deps, sealed);
  const uri = totpUri(`${deps.platformDomain} operators`, operator.email, secret);
  return { secret, uri, qrSvg: qrSvg(uri) };
}

/** Turns the operator's two-factor on with a first code; the recovery codes, shown once. */
export async function confirmOperatorTwoFactor({
  ctx,
  operator,
  input,
}: {
  ctx: Ctx;
  operator: OperatorRef;
  input: z.input<typeof codeInput>;
}): Promise<{ recoveryCodes: string[] }> {
  const { deps } = ctx;
  const { code } = parseInput(codeInput, input);
  const state = await system.twoFactor.operatorState(deps.db, operator.sessionId);
  if (!state) throw new CoreError('unauthenticated', 'Sign in first.');
  if (state.enabledAt) throw new CoreError('conflict', ALREADY_ON);
  if (!state.secretSealed) throw new CoreError('conflict', 'Start the set-up again: scan the new code.');
  const step = matchTotp(openSecret(deps, state.secretSealed), code, deps.now());
  if (step === null) throw invalid({ code: WRONG_CODE });
  const codes = generateRecoveryCodes();
  if (
    !(await system.twoFactor.operatorConfirm(deps.db, operator.sessionId, step, codes.map(hashRecoveryCode)))
  )
    throw invalid({ code: WRONG_CODE });
  return { recoveryCodes: codes };
}

/** An operator's second step, as `completeSecondFactor` is a tenant person's. */
export async function completeOperatorSecondFactor({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string | null | undefined } & z.input<typeof secondFactorInput>;
}): Promise<{ token: string; expiresAt: Date; remember: RememberCookie | null }> {
  const { deps } = ctx;
  if (!looksLikeToken(input.token)) throw new CoreError('expired', PENDING_GONE);
  const { code, kind, remember } = parseInput(secondFactorInput, input);
  const pendingId = hashToken(input.token);
  const now = deps.now();
  const pending = await system.twoFactor.operatorPending(deps.db, pendingId, now);
  if (!pending) throw new CoreError('expired', PENDING_GONE);
  if (!(await secondFactorAllowed(deps, pendingId, `two-factor-operator:${pending.operatorId}`)))
    throw new CoreError('throttled', SECOND_FACTOR_THROTTLED);
  const typed = readSecondFactor(deps, pending.secretSealed, { kind, code }, now);
  if (!typed) throw invalid({ code: kind === 'totp' ? WRONG_CODE : WRONG_RECOVERY });
  const { token, expiresAt, session } = newSession(ctx, now);
  const done = await system.twoFactor.operatorComplete(deps.db, { pendingId, now, ...typed, ...session });
  if (!done) throw invalid({ code: kind === 'totp' ? WRONG_CODE : WRONG_RECOVERY });
  return {
    token,
    expiresAt,
    remember: remember
      ? issueRememberCookie(deps, {
          tenantId: OPERATOR_SCOPE,
          userId: done.operatorId,
          epoch: done.rememberEpoch,
        })
      : null,
  };
}
