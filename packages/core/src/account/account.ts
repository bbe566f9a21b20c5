import {
  EMAIL_CHANGE_LIFETIME_MS,
  generateToken,
  hashPassword,
  hashToken,
  looksLikeToken,
  passwordProblem,
  verifyPassword,
} from '@foyer/auth';
import {
  and,
  confirmEmailChange as confirmEmailToken,
  eq,
  inArray,
  isNull,
  schema,
  sql,
  type TenantActor,
  throttleHit,
  withActor,
} from '@foyer/db';
import { openSession, THROTTLED } from '../auth/sessions';
import { CURRENT_PASSWORD_LIMIT } from '../auth/throttle';
import { emailSchema, nameSchema } from '../auth/validation';
import type { ClientInfo, CoreContext, TenantSite } from '../context';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { queueEmail } from '../mail/outbox';

const { sessions, userTokens, users } = schema;

type PersonActor = Exclude<TenantActor, { kind: 'apikey' }>;

function person(actor: TenantActor): PersonActor {
  if (actor.kind === 'apikey') throw new CoreError('forbidden', 'API keys have no account.');
  return actor;
}

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
export async function getAccount(ctx: CoreContext, actor: TenantActor): Promise<Account> {
  const me = person(actor);
  const pendingEmail = sql<string | null>`(
    select ${userTokens.newEmail} from ${userTokens}
    where ${userTokens.tenantId} = ${users.tenantId} and ${userTokens.userId} = ${users.id}
      and ${userTokens.purpose} = 'email_change' and ${userTokens.usedAt} is null and ${userTokens.expiresAt} > now()
    order by ${userTokens.createdAt} desc limit 1)`;
  const [row] = await withActor(ctx.db.db, me, (tx) =>
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

export async function updateName(ctx: CoreContext, actor: TenantActor, rawName: string): Promise<void> {
  const me = person(actor);
  const parsed = nameSchema('your name').safeParse(rawName);
  if (!parsed.success) throw invalid({ name: parsed.error.issues[0]?.message ?? 'Enter your name.' });
  await withActor(ctx.db.db, me, (tx) =>
    tx
      .update(users)
      .set({ name: parsed.data })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId))),
  );
}

/**
 * Asking for the current password guards the account against a borrowed or stolen session, so
 * the guesses are counted per account like sign-in attempts (CURRENT_PASSWORD_LIMIT).
 */
async function checkPassword(ctx: CoreContext, me: PersonActor, password: string): Promise<void> {
  const { limit, windowSeconds } = CURRENT_PASSWORD_LIMIT;
  if (!(await throttleHit(ctx.db, `current-password:${me.tenantId}:${me.userId}`, limit, windowSeconds)))
    throw new CoreError('throttled', THROTTLED);
  const [row] = await withActor(ctx.db.db, me, (tx) =>
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
export async function requestEmailChange(
  ctx: CoreContext,
  actor: TenantActor,
  site: TenantSite,
  input: { email: string; currentPassword: string },
): Promise<void> {
  const me = person(actor);
  const parsed = emailSchema.safeParse(input.email);
  if (!parsed.success) throw invalid({ email: 'Enter a valid email address.' });
  await checkPassword(ctx, me, input.currentPassword);
  const email = parsed.data;
  const token = generateToken();
  const url = new URL('/account/confirm-email', site.tenant.origin);
  url.searchParams.set('token', token);
  await withActor(ctx.db.db, me, async (tx) => {
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
      expiresAt: new Date(ctx.now().getTime() + EMAIL_CHANGE_LIFETIME_MS),
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
  });
}

export async function confirmEmailChange(ctx: CoreContext, site: TenantSite, token: string): Promise<void> {
  let userId: string | null = null;
  try {
    userId = looksLikeToken(token) ? await confirmEmailToken(ctx.db, site.tenant.id, hashToken(token)) : null;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new CoreError('conflict', 'Another account here already uses that address.');
    }
    throw error;
  }
  if (!userId) throw new CoreError('expired', 'This confirmation link has expired or was already used.');
}

/**
 * Changes the password after checking the current one, ends every session (this one included),
 * voids outstanding reset and email-change links (a link mailed before the change must not undo
 * it) and opens a fresh session for this browser.
 */
export async function changePassword(
  ctx: CoreContext,
  actor: TenantActor,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<{ token: string; expiresAt: Date }> {
  const me = person(actor);
  const [self] = await withActor(ctx.db.db, me, (tx) =>
    tx.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, me.userId)),
  );
  const problem = passwordProblem(input.newPassword, { email: self?.email, name: self?.name });
  if (problem) throw invalid({ newPassword: problem });
  await checkPassword(ctx, me, input.currentPassword);
  const hash = await hashPassword(input.newPassword);
  await withActor(ctx.db.db, me, async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash: hash })
      .where(and(eq(users.tenantId, me.tenantId), eq(users.id, me.userId)));
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
  });
  return openSession(ctx, me, client);
}

export async function listSessions(
  ctx: CoreContext,
  actor: TenantActor,
  currentSessionId: string,
): Promise<AccountSession[]> {
  const me = person(actor);
  const rows = await withActor(ctx.db.db, me, (tx) =>
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
    current: s.id === currentSessionId,
  }));
}

/** Ends one of the person's own sessions, or all but the current one when `sessionId` is 'others'. */
export async function endSessions(
  ctx: CoreContext,
  actor: TenantActor,
  currentSessionId: string,
  sessionId: string | 'others',
): Promise<number> {
  const me = person(actor);
  const ended = await withActor(ctx.db.db, me, (tx) =>
    tx
      .delete(sessions)
      .where(
        and(
          eq(sessions.tenantId, me.tenantId),
          eq(sessions.userId, me.userId),
          sessionId === 'others' ? sql`${sessions.id} <> ${currentSessionId}` : eq(sessions.id, sessionId),
        ),
      )
      .returning({ id: sessions.id }),
  );
  return ended.length;
}
