import { generateToken, hashToken, looksLikeToken, sessionExpiry } from '@foyer/auth';
import { type OperatorTenantRow, system } from '@foyer/db';
import { type DeviceCookie, issueDeviceCookie, trustedDevice } from '../auth/devices';
import { passwordProof, THROTTLED } from '../auth/sessions';
import { signInAllowed } from '../auth/throttle';
import { OPERATOR_SCOPE, PENDING_SIGN_IN_LIFETIME_MS, rememberedEpoch } from '../auth/two-factor';
import { beyondAnyAccount } from '../auth/validation';
import type { Ctx } from '../ctx';
import { CoreError } from '../errors';

/*
 * Operators act on the platform, not in a tenant: there is no tenant whose activity log could
 * hold their sign-in, and `withActor` has no operator role. Their verbs therefore take a ctx
 * whose `actor` is null (the platform host's), and the signed-in operator, where one is needed,
 * comes in `input` as `resolveOperator` returned it. That is not trust in the caller: every
 * statement after sign-in names the operator's session, and the database checks it itself
 * (`app_system.operator_tenants`, `end_operator_session`). A field on Ctx was the alternative;
 * it would put a second, tenant-less kind of actor beside `actor` for four functions.
 */

export interface SignedInOperator {
  id: string;
  name: string;
  email: string;
  sessionId: string;
}

const INVALID = 'That email and password don’t match an operator account.';

/**
 * Operators sign in like tenants' people (see `passwordSignIn`): device cookies against lock-out,
 * and a session that only `app_system.operator_sign_in` can open, after comparing the password's
 * hash itself. Disabled operators get the same answer as a wrong password. An operator with
 * two-factor on whose browser is not remembered (`remembered`) gets a pending sign-in instead:
 * `pending` is true and `token` is the pending sign-in's, for `completeOperatorSecondFactor`.
 */
export async function signInOperator({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; password: string; device?: string | null; remembered?: string | null };
}): Promise<{ token: string; expiresAt: Date; device: DeviceCookie; pending: boolean }> {
  const { deps, client } = ctx;
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) throw new CoreError('invalid_credentials', INVALID);
  const scope = { operator: true, email } as const;
  const allowed = await signInAllowed(deps, {
    account: `operator-sign-in:${email}`,
    ip: `sign-in-ip:${client?.ip ?? ''}`,
    device: trustedDevice(deps, scope, input.device),
  });
  if (!allowed) throw new CoreError('throttled', THROTTLED);
  const account = await system.operators.loginLookup(deps.db, email);
  const phc = await passwordProof(account, input.password);
  const token = generateToken();
  const pendingToken = generateToken();
  const now = deps.now();
  const expiresAt = sessionExpiry(now);
  const pendingExpiresAt = new Date(now.getTime() + PENDING_SIGN_IN_LIFETIME_MS);
  const row = await system.operators.signIn(deps.db, email, {
    passwordPhc: phc,
    sessionId: hashToken(token),
    expiresAt,
    ip: client?.ip || null,
    userAgent: client?.userAgent?.slice(0, 500) ?? null,
    pendingId: hashToken(pendingToken),
    pendingExpiresAt,
    rememberEpoch: account
      ? rememberedEpoch(deps, {
          tenantId: OPERATOR_SCOPE,
          userId: account.operatorId,
          cookie: input.remembered,
        })
      : null,
  });
  if (!row) throw new CoreError('invalid_credentials', INVALID);
  const device = issueDeviceCookie(deps, scope);
  if (row.secondFactor === 'pending')
    return { token: pendingToken, expiresAt: pendingExpiresAt, device, pending: true };
  return { token, expiresAt, device, pending: false };
}

/** Cookie token -> the signed-in operator, on the platform host; renews the session as it goes. */
export async function resolveOperator({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string | undefined };
}): Promise<SignedInOperator | null> {
  const { token } = input;
  if (!looksLikeToken(token)) return null;
  const sessionId = hashToken(token);
  const row = await system.operators.session(ctx.deps.db, sessionId, sessionExpiry(ctx.deps.now()));
  return row ? { id: row.operatorId, name: row.name, email: row.email, sessionId } : null;
}

export async function signOutOperator({
  ctx,
  operator,
}: {
  ctx: Ctx;
  operator: SignedInOperator;
}): Promise<void> {
  await system.operators.endSession(ctx.deps.db, operator.sessionId);
}

export type OperatorTenant = OperatorTenantRow;

export async function listTenants({
  ctx,
  operator,
}: {
  ctx: Ctx;
  operator: SignedInOperator;
}): Promise<OperatorTenant[]> {
  return system.operators.tenants(ctx.deps.db, operator.sessionId);
}
