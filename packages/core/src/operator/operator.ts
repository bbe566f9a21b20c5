import { generateToken, hashToken, looksLikeToken, sessionExpiry } from '@foyer/auth';
import {
  endOperatorSession,
  type OperatorTenantRow,
  operatorLoginLookup,
  operatorSession,
  operatorSignIn,
  operatorTenants,
} from '@foyer/db';
import { type DeviceCookie, issueDeviceCookie, trustedDevice } from '../auth/devices';
import { passwordProof, THROTTLED } from '../auth/sessions';
import { signInAllowed } from '../auth/throttle';
import { beyondAnyAccount } from '../auth/validation';
import type { ClientInfo, CoreContext } from '../context';
import { CoreError } from '../errors';

export interface SignedInOperator {
  id: string;
  name: string;
  email: string;
  sessionId: string;
}

const INVALID = 'That email and password don’t match an operator account.';

/**
 * Operators sign in like tenants' people (see `signIn`): device cookies against lock-out, and a
 * session that only `app_system.operator_sign_in` can open, after comparing the password's hash
 * itself. Disabled operators get the same answer as a wrong password.
 */
export async function signInOperator(
  ctx: CoreContext,
  input: { email: string; password: string; device?: string | null },
  client: ClientInfo,
): Promise<{ token: string; expiresAt: Date; device: DeviceCookie }> {
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) throw new CoreError('invalid_credentials', INVALID);
  const scope = { operator: true, email } as const;
  const allowed = await signInAllowed(ctx, {
    account: `operator-sign-in:${email}`,
    ip: `sign-in-ip:${client.ip}`,
    device: trustedDevice(ctx, scope, input.device),
  });
  if (!allowed) throw new CoreError('throttled', THROTTLED);
  const phc = await passwordProof(await operatorLoginLookup(ctx.db, email), input.password);
  const token = generateToken();
  const expiresAt = sessionExpiry(ctx.now());
  const operatorId = await operatorSignIn(ctx.db, email, {
    passwordPhc: phc,
    sessionId: hashToken(token),
    expiresAt,
    ip: client.ip || null,
    userAgent: client.userAgent?.slice(0, 500) ?? null,
  });
  if (!operatorId) throw new CoreError('invalid_credentials', INVALID);
  return { token, expiresAt, device: issueDeviceCookie(ctx, scope) };
}

export async function resolveOperator(
  ctx: CoreContext,
  token: string | undefined,
): Promise<SignedInOperator | null> {
  if (!looksLikeToken(token)) return null;
  const sessionId = hashToken(token);
  const row = await operatorSession(ctx.db, sessionId, sessionExpiry(ctx.now()));
  return row ? { id: row.operatorId, name: row.name, email: row.email, sessionId } : null;
}

export async function signOutOperator(ctx: CoreContext, operator: SignedInOperator): Promise<void> {
  await endOperatorSession(ctx.db, operator.sessionId);
}

export type OperatorTenant = OperatorTenantRow;

export function listTenants(ctx: CoreContext, operator: SignedInOperator): Promise<OperatorTenant[]> {
  return operatorTenants(ctx.db, operator.sessionId);
}
