import {
  EMAIL_CHANGE_LIFETIME_MS,
  generateToken,
  hashPassword,
  hashToken,
  looksLikeToken,
  passwordProblem,
  verifyPassword,
} from '@foyer/auth';
import { and, eq, inArray, isNull, schema, sql, system } from '@foyer/db';
import { z } from 'zod';
import { actorFor, openSession, sessionIdSchema, THROTTLED } from '../auth/sessions';
import { CURRENT_PASSWORD_LIMIT } from '../auth/throttle';
import { emailSchema, nameSchema } from '../auth/validation';
import { actingAs, type Ctx, type Person, personOf, record, siteOf, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { parseInput } from '../input';
import { queueEmail } from '../mail/outbox';
import { unreadCountOf } from '../notifications/notifications';

const { sessions, userTokens, users } = schema;

const NO_ACCOUNT = 'API keys have no account.';

export interface AccountSession {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface Account {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'staff' | 'client';
  /** An address waiting for confirmation, if a change was asked for. */
  pendingEmail: string | null;
  /** Whether the person confirmed their address from the verification email. */
  emailVerified: boolean;
}

/** The signed-in person's account, in one statement (it backs `GET /api/v1/me`, a hot path). */
export async function getAccount({ ctx }: { ctx: Ctx }): Promise<Account> {
  const me = personOf(ctx, NO_ACCOUNT);
  // Spelled out: drizzle renders columns in a select list's sql`` unqualified, which inside this
  // subquery would compare user_tokens' columns with themselves instead of with the outer row.
  const pendingEmail = sql<string | null>`(
    select t.new_email from app.user_tokens t
    where t.tenant_id = "users"."tenant_id" and t.user_id = "users"."id"
      and t.purpose = 'email_change' and t.used_at is null and t.expires_at > now()
    order by t.created_at desc limit 1)`;
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        pendingEmail,
        emailVerified: sql<boolean>`${users.emailVerifiedAt} is not null`,
      })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
  if (!row) throw new CoreError('not_found', 'Your account no longer exists.');
  return row;
}

const renameInput = z.object({ name: nameSchema('your name') });

export async function updateName({ ctx, input }: { ctx: Ctx; input: { name: string } }): Promise<void> {
  const me = personOf(ctx, NO_ACCOUNT);
  const { name } = parseInput(renameInput, input);
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .update(users)
      .set({ name })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    await record(ctx, { verb: 'account.rename', subject: { type: 'user', id: me.userId } });
  });
}

/**
 * Asking for the current password guards the account against a borrowed or stolen session, so
 * the guesses are counted per account like sign-in attempts (CURRENT_PASSWORD_LIMIT). Checked in
 * a transaction of its own: the argon2 work is not done with another one held open.
 */
async function checkPassword(ctx: Ctx, me: Person, password: string): Promise<void> {
  const { limit, windowSeconds } = CURRENT_PASSWORD_LIMIT;
  const key = `current-password:${me.tenantId}:${me.userId}`;
  if (!(await system.throttle.hit(ctx.deps.db, key, limit, windowSeconds)))
    throw new CoreError('throttled', THROTTLED);
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({ hash: users.passwordHash })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
  if (!row?.hash || !(await verifyPassword(row.hash, password))) {
    throw invalid({ currentPassword: 'That isn’t your current password.' });
  }
}

/**
 * Starts an email change: the new address gets a confirmation link, and the account keeps its
 * current address until the link is opened.
 */
export async function requestEmailChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; currentPassword: string };
}): Promise<void> {
  const me = personOf(ctx, NO_ACCOUNT);
  const parsed = emailSchema.safeParse(input.email);
  if (!parsed.success) throw invalid({ email: 'Enter a valid email address.' });
  await checkPassword(ctx, me, input.currentPassword);
  const email = parsed.data;
  const token = generateToken();
  const url = new URL('/account/confirm-email', siteOf(ctx).tenant.origin);
  url.searchParams.set('token', token);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [self] = await tx
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, me.userId));
    if (self?.email.toLowerCase() === email.toLowerCase())
      throw invalid({ email: 'This is already your email address.' });
    await tx
      .delete(userTokens)
      .where(sql`${userTokens.userId} = ${me.userId} and ${userTokens.purpose} = 'email_change'`);
    await tx.insert(userTokens).values({
      tenantId: me.tenantId,
      userId: me.userId,
      purpose: 'email_change',
      tokenHash: hashToken(token),
      newEmail: email,
      expiresAt: new Date(ctx.deps.now().getTime() + EMAIL_CHANGE_LIFETIME_MS),
    });
    // To the new address: only its owner can confirm it.
    await queueEmail(tx, {
      tenantId: me.tenantId,
      template: 'email-change',
      to: { address: email },
      vars: {
        newEmail: email,
        confirmUrl: url.toString(),
        expiresInHours: Math.round(EMAIL_CHANGE_LIFETIME_MS / 3_600_000),
      },
    });
    await record(ctx, {
      verb: 'account.email_change_requested',
      subject: { type: 'user', id: me.userId },
      data: { email },
    });
  });
}

/**
 * Moves the account to the new address from the confirmation link, which may be opened signed
 * out on the agency's host; recorded as the person whose address it is.
 */
export async function confirmEmailChange({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<void> {
  const tenantId = siteOf(ctx).tenant.id;
  const { token } = input;
  let person: Awaited<ReturnType<typeof system.accounts.confirmEmailChange>> = null;
  try {
    person = looksLikeToken(token)
      ? await system.accounts.confirmEmailChange(ctx.deps.db, tenantId, hashToken(token))
      : null;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new CoreError('conflict', 'Another account here already uses that address.');
    }
    throw error;
  }
  if (!person) throw new CoreError('expired', 'This confirmation link has expired or was already used.');
  const { userId, email } = person;
  await transact(actingAs(ctx, actorFor(tenantId, person)), (ctx) =>
    record(ctx, { verb: 'account.email_changed', subject: { type: 'user', id: userId }, data: { email } }),
  );
}

/**
 * Changes the password after checking the current one, ends every session (this one included),
 * voids outstanding reset and email-change links (a link mailed before the change must not undo
 * it) and opens a fresh session for this browser, all in one transaction.
 */
export async function changePassword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { currentPassword: string; newPassword: string };
}): Promise<{ token: string; expiresAt: Date }> {
  const me = personOf(ctx, NO_ACCOUNT);
  const [self] = await transact(ctx, ({ tx }) =>
    tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, me.userId)),
  );
  const problem = passwordProblem(input.newPassword, { email: self?.email, name: self?.name });
  if (problem) throw invalid({ newPassword: problem });
  await checkPassword(ctx, me, input.currentPassword);
  const hash = await hashPassword(input.newPassword);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    await tx
      .update(users)
      .set({ passwordHash: hash })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    // The session history (app_system.session_log_closed) says why these sessions ended.
    await tx.execute(sql`select set_config('app.session_end', 'password_change', true)`);
    await tx.delete(sessions).where(and(eq(sessions.tenantId, me.tenantId), eq(sessions.userId, me.userId)));
    await tx
      .delete(userTokens)
      .where(
        and(
          eq(userTokens.tenantId, me.tenantId),
          eq(userTokens.userId, me.userId),
          inArray(userTokens.purpose, ['password_reset', 'email_change']),
          isNull(userTokens.usedAt),
        ),
      );
    const session = await openSession({ ctx });
    await record(ctx, { verb: 'account.password_change', subject: { type: 'user', id: me.userId } });
    return session;
  });
}

/** The signed-in person's live sessions; `currentSessionId` (theirs, this request's) is marked. */
export async function listSessions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { currentSessionId: string };
}): Promise<AccountSession[]> {
  const me = personOf(ctx, NO_ACCOUNT);
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.tenantId, me.tenantId),
          eq(sessions.userId, me.userId),
          sql`${sessions.expiresAt} > now()`,
        ),
      )
      .orderBy(sql`${sessions.lastSeenAt} desc`),
  );
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === input.currentSessionId,
  }));
}

const endSessionsInput = z.object({
  currentSessionId: sessionIdSchema,
  sessionId: z.union([z.literal('others'), sessionIdSchema]),
});

/**
 * Ends one of the person's own sessions, or all but the current one when `sessionId` is
 * 'others'; how many ended.
 */
export async function endSessions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { currentSessionId: string; sessionId: string };
}): Promise<number> {
  const me = personOf(ctx, NO_ACCOUNT);
  const { currentSessionId, sessionId } = parseInput(endSessionsInput, input);
  return transact(ctx, async (ctx) => {
    const ended = await ctx.tx
      .delete(sessions)
      .where(
        and(
          eq(sessions.tenantId, me.tenantId),
          eq(sessions.userId, me.userId),
          sessionId === 'others' ? sql`${sessions.id} <> ${currentSessionId}` : eq(sessions.id, sessionId),
        ),
      )
      .returning({ id: sessions.id });
    await record(ctx, {
      verb: 'account.sessions_end',
      subject: { type: 'user', id: me.userId },
      data: { which: sessionId === 'others' ? 'others' : 'one', ended: ended.length },
    });
    return ended.length;
  });
}

/** The person's own settings beyond name, email and password. */
export interface Profile {
  phone: string;
  /** An IANA time zone name; null follows the browser. */
  timeZone: string | null;
  /** Null follows the agency's theme. */
  theme: 'light' | 'dark' | 'system' | null;
}

/** Whether `name` is a time zone this runtime knows (IANA names, e.g. Europe/London). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(name) && name !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const PHONE_MAX = 40;

/** The account page's profile form: every field as text, '' for "not set". */
export const profileInput = z.object({
  phone: z
    .string()
    .trim()
    .max(PHONE_MAX, `Use at most ${PHONE_MAX} characters.`)
    .regex(/^[\d\s+().\-/]*$/, 'Use digits, spaces and + ( ) - only.'),
  timeZone: z
    .string()
    .trim()
    .max(64, 'Choose a time zone from the list.')
    .refine((v) => v === '' || isTimeZone(v), 'Choose a time zone from the list, like Europe/London.'),
  theme: z.enum(['', 'light', 'dark', 'system'], 'Choose light, dark, system or your agency’s default.'),
});

export async function getProfile({ ctx }: { ctx: Ctx }): Promise<Profile> {
  const me = personOf(ctx, NO_ACCOUNT);
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({ phone: users.phone, timeZone: users.timeZone, theme: users.theme })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
  if (!row) throw new CoreError('not_found', 'Your account no longer exists.');
  return { phone: row.phone ?? '', timeZone: row.timeZone, theme: row.theme };
}

/** Saves phone, time zone and theme (clients hold column grants for exactly these). */
export async function updateProfile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { phone: string; timeZone: string; theme: string };
}): Promise<Profile> {
  const me = personOf(ctx, NO_ACCOUNT);
  const parsed = parseInput(profileInput, input);
  const profile: Profile = {
    phone: parsed.phone,
    timeZone: parsed.timeZone === '' ? null : parsed.timeZone,
    theme: parsed.theme === '' ? null : parsed.theme,
  };
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .update(users)
      .set({
        phone: profile.phone === '' ? null : profile.phone,
        timeZone: profile.timeZone,
        theme: profile.theme,
      })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    await record(ctx, {
      verb: 'account.profile',
      subject: { type: 'user', id: me.userId },
      data: { timeZone: profile.timeZone, theme: profile.theme },
    });
  });
  return profile;
}

/** The theme switch in the header, for a signed-in person: their choice follows them. */
export async function setTheme({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { theme: 'light' | 'dark' | 'system' | null };
}): Promise<void> {
  const me = personOf(ctx, NO_ACCOUNT);
  const theme = input.theme;
  if (theme !== null && !['light', 'dark', 'system'].includes(theme)) {
    throw invalid({ theme: 'Choose light, dark or system.' });
  }
  await transact(ctx, async (ctx) => {
    await ctx.tx
      .update(users)
      .set({ theme })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
    await record(ctx, { verb: 'account.theme', subject: { type: 'user', id: me.userId }, data: { theme } });
  });
}

/** What every signed-in page's frame shows: the bell's unread count, the person's theme and time zone. */
export interface PageChrome {
  unread: number;
  theme: Profile['theme'];
  timeZone: string | null;
}

/**
 * The page frame's data in one statement (the person's own row and their unread count), so a page
 * pays for it once; inside a page's own transaction it costs no transaction of its own.
 */
export async function pageChrome({ ctx }: { ctx: Ctx }): Promise<PageChrome> {
  const me = personOf(ctx, NO_ACCOUNT);
  const [row] = await transact(ctx, ({ tx }) =>
    tx
      .select({
        timeZone: users.timeZone,
        theme: users.theme,
        unread: unreadCountOf(me),
      })
      .from(users)
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
  if (!row) throw new CoreError('not_found', 'Your account no longer exists.');
  return { unread: Number(row.unread ?? 0), theme: row.theme, timeZone: row.timeZone };
}
