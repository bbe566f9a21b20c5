import { schema, sql, type Tx } from '@foyer/db';
import { adminOf, type Ctx, transact } from '../ctx';

/**
 * What a workspace may send. A new workspace is anyone with an email address, so until one of
 * its admins has confirmed theirs it sends only account email: each goes to an account's own
 * address, is single-use and throttled, and carries the default text (not the agency's), so it
 * cannot be turned into a message of the workspace's choosing. Every workspace also has a daily
 * limit, counted when the worker sends (`app_system.email_quota_take`), which operators raise.
 */

/** Emails an unverified workspace still sends: its admin's own verification among them. */
export const ACCOUNT_TEMPLATES: ReadonlySet<string> = new Set([
  'email-verification',
  'password-reset',
  'email-change',
  'two-factor-changed',
]);

/** Why an email of an unverified workspace was held back, as the email log shows it. */
export const UNVERIFIED_SUPPRESSED =
  'Not sent: no admin of this workspace has confirmed their email address yet. Until one does, it sends only account emails (address verification, password resets, email changes).';

/** What an admin is told when an action would send such an email. */
export const VERIFY_TO_SEND =
  'Confirm your email address first: until an admin of this workspace has, it sends no invitations or other email. Use the link in the verification email, or send a new one from your account page.';

/** Whether an active admin of the tenant in context has confirmed their address. */
export async function workspaceVerified(tx: Tx): Promise<boolean> {
  const [row] = await tx
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(
      sql`${schema.users.role} = 'admin' and ${schema.users.status} = 'active' and ${schema.users.emailVerifiedAt} is not null`,
    )
    .limit(1);
  return row !== undefined;
}

/** The start of the next UTC day, when the daily limit starts again. */
export function nextUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export const dailyLimitReached = (limit: number) =>
  `This workspace’s daily limit of ${limit} emails is reached; the email goes out after midnight (UTC). Your platform operator can raise the limit.`;

/** Whether the admin pages should say that the workspace sends only account email for now. */
export async function workspaceSendingStatus({ ctx }: { ctx: Ctx }): Promise<{ verified: boolean }> {
  adminOf(ctx);
  // A read: nothing is recorded.
  return { verified: await transact(ctx, ({ tx }) => workspaceVerified(tx)) };
}
