import { and, schema, sql, type Tx } from '@foyer/db';
import type { TxCtx } from '../ctx';
import type { NotificationEvent } from './events';

const { notifications, users } = schema;

/**
 * A path on the same host: `/` then anything but a second slash or a backslash (which browsers
 * read as `//`, another host), and no whitespace or control characters anywhere.
 */
export function isSameOriginPath(link: string): boolean {
  if (link.length > 2048 || !link.startsWith('/') || link.startsWith('//') || link.includes('\\'))
    return false;
  for (const char of link) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

export interface InAppNotice {
  tenantId: string;
  event: NotificationEvent;
  userIds: readonly string[];
  title: string;
  body?: string | null;
  /** Same-origin path of the item it is about. */
  link?: string | null;
}

/**
 * Tells people about something in the bell only, with no email: for events that have no email
 * template. (`notify` in mail/outbox.ts writes the bell row and queues the email together.)
 * Written in the caller's transaction.
 */
export async function notifyInApp(tx: Tx, notice: InAppNotice): Promise<void> {
  const userIds = [...new Set(notice.userIds)];
  if (userIds.length === 0) return;
  const link = notice.link ?? null;
  if (link !== null && !isSameOriginPath(link))
    throw new Error(`notification link is not a same-origin path`);
  await tx.insert(notifications).values(
    userIds.map((userId) => ({
      tenantId: notice.tenantId,
      userId,
      event: notice.event,
      title: notice.title,
      body: notice.body ?? null,
      link,
    })),
  );
}

/**
 * Tells the tenant's active admins that someone accepted an invitation and joined the team, as
 * the new member (anyone in a tenant may notify anyone in it).
 *
 * The inviter alone would be the better audience, but acceptance runs in
 * `app_system.accept_invitation`, which does not return `invited_by`, and invitations are
 * readable by admins only; every admin could have sent it, so every admin hears of it.
 */
export async function notifyTeamJoined(ctx: TxCtx, name: string): Promise<void> {
  const member = ctx.actor;
  if (member?.kind !== 'admin' && member?.kind !== 'staff') return;
  const admins = await ctx.tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        sql`${users.tenantId} = ${member.tenantId}`,
        sql`${users.role} = 'admin' and ${users.status} = 'active' and ${users.id} <> ${member.userId}`,
      ),
    );
  await notifyInApp(ctx.tx, {
    tenantId: member.tenantId,
    event: 'team-joined',
    userIds: admins.map((a) => a.id),
    title: `${name} joined the team`,
    body: member.kind === 'admin' ? 'They joined as an admin.' : 'They joined as staff.',
    link: '/admin/team',
  });
}
