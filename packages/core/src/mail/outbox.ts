import { schema, type Tx } from '@foyer/db';

/** Who receives an email: a person of the tenant (address read when sending) or an address. */
export type EmailRecipient = { userId: string } | { address: string };

export interface QueuedEmail {
  tenantId: string;
  /** A default template's key, e.g. `staff-invitation`. */
  template: string;
  to: EmailRecipient;
  /** The template's own variables; `agency` and `recipient` are added when it is rendered. */
  vars: Record<string, unknown>;
  /** A notification event: the recipient's preferences decide whether it is sent. */
  event?: string;
}

/**
 * Queues an email in the caller's transaction, so it goes out exactly when the change that
 * caused it commits. The worker renders and delivers it under the tenant's context.
 */
export async function queueEmail(tx: Tx, email: QueuedEmail): Promise<void> {
  await tx.insert(schema.outbox).values({
    tenantId: email.tenantId,
    template: email.template,
    userId: 'userId' in email.to ? email.to.userId : null,
    toAddress: 'address' in email.to ? email.to.address : null,
    event: email.event ?? null,
    vars: email.vars,
  });
}

export interface Notice {
  tenantId: string;
  /** The notification event, which is also the email template's key, e.g. `project-added`. */
  event: string;
  userIds: readonly string[];
  title: string;
  body?: string | null;
  /** Same-origin path of the item it is about. */
  link?: string | null;
  /** Variables for the email that goes with it, when the recipient's preferences allow. */
  vars: Record<string, unknown>;
}

/**
 * Tells people about something in the bell and, unless they turned that event's emails off,
 * by email. Both are written in the caller's transaction; preferences are applied when the
 * email is delivered, so a change of mind before then still counts.
 */
export async function notify(tx: Tx, notice: Notice): Promise<void> {
  const userIds = [...new Set(notice.userIds)];
  if (userIds.length === 0) return;
  await tx.insert(schema.notifications).values(
    userIds.map((userId) => ({
      tenantId: notice.tenantId,
      userId,
      event: notice.event,
      title: notice.title,
      body: notice.body ?? null,
      link: notice.link ?? null,
    })),
  );
  await tx.insert(schema.outbox).values(
    userIds.map((userId) => ({
      tenantId: notice.tenantId,
      template: notice.event,
      userId,
      event: notice.event,
      vars: notice.vars,
    })),
  );
}
