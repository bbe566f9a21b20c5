import { and, eq, schema, sql } from '@foyer/db';
import { listTemplates } from '@foyer/email';
import { adminOf, type Ctx, record, transact } from '../ctx';
import { CoreError, invalid } from '../errors';

const { outbox, users } = schema;

export type EmailStatus = (typeof schema.outboxStatuses)[number];
export const EMAIL_STATUSES: readonly EmailStatus[] = schema.outboxStatuses;

export const EMAIL_LOG_PAGE_SIZE = 50;

/** One email as the admin's log shows it; never its variables, which may hold single-use links. */
export interface EmailLogEntry {
  id: string;
  /** Where it went, or for one not sent yet, where it is going; null if the person is gone. */
  recipient: string | null;
  template: string;
  templateName: string;
  status: EmailStatus;
  attempts: number;
  /** Why it failed or was suppressed (or, while queued again, why the last attempt failed). */
  reason: string | null;
  /** What the mail server answered when it was accepted. */
  response: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface TenantEmailLogPage {
  entries: EmailLogEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Cursors name the last row shown by its creation time in whole microseconds (a JavaScript Date
 * would drop PostgreSQL's last three digits and skip or repeat rows) and its id, for ties.
 */
const CURSOR = /^(\d{1,17})\.([0-9a-f-]{36})$/i;

function parseCursor(cursor: string): { micros: string; id: string } | null {
  const match = CURSOR.exec(cursor);
  if (!match?.[1] || !match[2] || !UUID.test(match[2])) return null;
  return { micros: match[1], id: match[2] };
}

const micros = sql<string>`(extract(epoch from ${outbox.createdAt}) * 1000000)::bigint::text`;

/**
 * The agency's email, newest first, 50 at a time, optionally of one status. `before` is the
 * `nextCursor` of the previous page.
 */
export async function listTenantEmailLog({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { status?: string | null; before?: string | null };
}): Promise<TenantEmailLogPage> {
  const actor = adminOf(ctx, 'Only admins read the email log.');
  const status = input.status || null;
  if (status !== null && !EMAIL_STATUSES.includes(status as EmailStatus)) {
    throw invalid({ status: 'Choose a status from the list.' });
  }
  const cursor = input.before ? parseCursor(input.before) : null;
  if (input.before && !cursor) throw invalid({ before: 'That page of the log no longer exists.' });

  const conditions = [eq(outbox.tenantId, actor.tenantId)];
  if (status) conditions.push(eq(outbox.status, status as EmailStatus));
  if (cursor) {
    conditions.push(
      sql`(${outbox.createdAt}, ${outbox.id}) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`,
    );
  }
  // A read: nothing is recorded.
  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select({
        id: outbox.id,
        recipient: sql<string | null>`coalesce(${outbox.recipient}, ${outbox.toAddress}, ${users.email})`,
        template: outbox.template,
        status: outbox.status,
        attempts: outbox.attempts,
        lastError: outbox.lastError,
        response: outbox.response,
        createdAt: outbox.createdAt,
        sentAt: outbox.sentAt,
        micros,
      })
      .from(outbox)
      .leftJoin(users, and(eq(users.tenantId, outbox.tenantId), eq(users.id, outbox.userId)))
      .where(and(...conditions))
      .orderBy(sql`${outbox.createdAt} desc, ${outbox.id} desc`)
      .limit(EMAIL_LOG_PAGE_SIZE + 1),
  );
  const names = new Map(listTemplates().map((t) => [t.key as string, t.name]));
  const page = rows.slice(0, EMAIL_LOG_PAGE_SIZE);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({
      id: row.id,
      recipient: row.recipient,
      template: row.template,
      templateName: names.get(row.template) ?? row.template,
      status: row.status,
      attempts: row.attempts,
      reason: row.status === 'sent' ? null : row.lastError,
      response: row.response,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    })),
    nextCursor: rows.length > EMAIL_LOG_PAGE_SIZE && last ? `${last.micros}.${last.id}` : null,
  };
}

/**
 * Sends a failed email again: it is queued for the worker at once, keeping its attempt count,
 * so the log still says how many times it was tried.
 */
export async function retryEmail({ ctx, input }: { ctx: Ctx; input: { emailId: string } }): Promise<void> {
  const actor = adminOf(ctx, 'Only admins retry emails.');
  const emailId = input.emailId;
  if (typeof emailId !== 'string' || !UUID.test(emailId))
    throw new CoreError('not_found', 'That email isn’t in the log.');
  const mine = and(eq(outbox.tenantId, actor.tenantId), eq(outbox.id, emailId));
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [row] = await tx
      .select({
        status: outbox.status,
        template: outbox.template,
        recipient: sql<string | null>`coalesce(${outbox.recipient}, ${outbox.toAddress})`,
      })
      .from(outbox)
      .where(mine)
      .for('update');
    if (!row) throw new CoreError('not_found', 'That email isn’t in the log.');
    if (row.status !== 'failed') throw new CoreError('conflict', 'Only failed emails can be retried.');
    await tx
      .update(outbox)
      .set({
        status: 'queued',
        nextAttemptAt: sql`now()`,
        leaseUntil: null,
        claimId: null,
        updatedAt: sql`now()`,
      })
      .where(mine);
    await record(ctx, {
      verb: 'email.retry',
      subject: { type: 'email', id: emailId },
      data: { template: row.template, recipient: row.recipient },
    });
  });
}
