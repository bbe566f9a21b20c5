import {
  burnPasswordCheck,
  generateToken,
  hashToken,
  looksLikeToken,
  sessionExpiry,
  verifyPassword,
} from '@foyer/auth';
import {
  createOperatorSession,
  endOperatorSession,
  type OperatorTenantRow,
  operatorLoginLookup,
  operatorSession,
  operatorTenants,
  throttleClear,
} from '@foyer/db';
import { SIGN_IN_LIMITS } from '../auth/sessions';
import { withinLimits } from '../auth/throttle';
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

export async function signInOperator(
  ctx: CoreContext,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<{ token: string; expiresAt: Date }> {
  const email = input.email.trim().toLowerCase();
  if (beyondAnyAccount(email, input.password)) throw new CoreError('invalid_credentials', INVALID);
  const key = `operator-sign-in:${email}`;
  if (!(await withinLimits(ctx, SIGN_IN_LIMITS, { account: key, ip: `sign-in-ip:${client.ip}` })))
    throw new CoreError('throttled', 'Too many attempts. Wait a few minutes, then try again.');
  const account = await operatorLoginLookup(ctx.db, email);
  if (!account) {
    await burnPasswordCheck(input.password);
    throw new CoreError('invalid_credentials', INVALID);
  }
  if (!(await verifyPassword(account.passwordHash, input.password)))
    throw new CoreError('invalid_credentials', INVALID);
  await throttleClear(ctx.db, key);
  const token = generateToken();
  const expiresAt = sessionExpiry(ctx.now());
  await createOperatorSession(ctx.db, {
    operatorId: account.operatorId,
    sessionId: hashToken(token),
    expiresAt,
    ip: client.ip || null,
    userAgent: client.userAgent?.slice(0, 500) ?? null,
  });
  return { token, expiresAt };
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
