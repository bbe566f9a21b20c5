import { type ActingAs, sql, system, type Tx } from '@foyer/db';
import type { Deps } from '../context';
import { createCtx, transact } from '../ctx';
import { queueEmail } from '../mail/outbox';
import { rows } from '../tasks/common';
import { DEFAULT_DIGEST_EVENTS } from './events';

type Recipient = Awaited<ReturnType<typeof system.digests.due>>[number];

/** A notice waits unread this long before the digest carries it ("within a few minutes"). */
export const DIGEST_WAIT_MS = 5 * 60 * 1000;
/** Notices older than this are left to the bell (the system function's window too). */
const DIGEST_WINDOW = '3 days';
/** Items listed in one digest; the count says how many there were. */
export const DIGEST_ITEMS_MAX = 50;
/** Where a person changes how each kind of email reaches them. */
export const PREFERENCES_PATH = '/account/notifications';

const CONVERSATION_LINK =
  /^\/(?:admin\/)?messages\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export interface DigestItem {
  title: string;
  excerpt: string;
  /** Unread messages in the conversation now; 0 for notices that are not about a conversation. */
  unread: number;
  linkUrl: string;
}

interface Claimed {
  id: string;
  event: string;
  title: string;
  body: string | null;
  link: string | null;
}

/** Who the job acts as when it writes someone's digest or summary: that person. */
export function actorOf(person: Recipient): ActingAs {
  if (person.role === 'client') {
    if (!person.clientId) throw new Error('a client without a company cannot act');
    return { kind: 'client', tenantId: person.tenantId, userId: person.userId, clientId: person.clientId };
  }
  return { kind: person.role, tenantId: person.tenantId, userId: person.userId };
}

const excerpt = (text: string | null, length = 200): string => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1).trimEnd()}…` : flat;
};

/**
 * The offline digest: for everyone with a notice they take as a digest (new messages unless they
 * chose otherwise, and any event they switched to it) that waited unread for a few minutes while
 * they held no live stream, one email listing what they missed. Runs as each person, so their
 * own policies decide what is read; their notices are claimed (`digested_at`) in the same
 * transaction as the email is queued, so two workers send one digest. A conversation they have
 * read since is left out; one still unread says how many messages wait. Nothing is recorded.
 */
export async function sendDigests(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ people: number; emails: number }> {
  const before = new Date(deps.now().getTime() - DIGEST_WAIT_MS);
  const due = await system.digests.due(deps.db, {
    before,
    defaultDigest: DEFAULT_DIGEST_EVENTS,
    limit: options.limit ?? 200,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  let emails = 0;
  for (const person of due) {
    const ctx = createCtx(deps, { actor: actorOf(person) });
    const sent = await transact(ctx, async ({ tx }) => {
      const items = await claimDigest(tx, person.userId, before);
      if (items.length === 0) return false;
      await queueEmail(tx, {
        tenantId: person.tenantId,
        template: 'digest',
        to: { userId: person.userId },
        vars: {
          count: items.length,
          several: items.length > 1,
          items: items.slice(0, DIGEST_ITEMS_MAX),
          notificationsUrl: '/notifications',
          preferencesUrl: PREFERENCES_PATH,
        },
      });
      return true;
    });
    if (sent) emails += 1;
  }
  return { people: due.length, emails };
}

/**
 * Claims, as the person, their notices the digest carries and returns what the email lists:
 * one item per conversation (the latest notice of it) while it still has unread messages, and
 * every other notice as it is.
 */
async function claimDigest(tx: Tx, userId: string, before: Date): Promise<DigestItem[]> {
  const claimed = await rows<Claimed & { created_at: string | Date }>(
    tx,
    sql`update app.notifications n set digested_at = now()
        where n.user_id = ${userId}::uuid and n.read_at is null and n.digested_at is null
          and n.created_at <= ${before.toISOString()}::timestamptz
          and n.created_at > ${before.toISOString()}::timestamptz - ${DIGEST_WINDOW}::interval
          and coalesce(
            (select np.delivery from app.notification_preferences np
              where np.tenant_id = n.tenant_id and np.user_id = n.user_id and np.event = n.event),
            case when n.event = any(${`{${DEFAULT_DIGEST_EVENTS.join(',')}}`}::text[]) then 'digest' else 'instant' end
          ) = 'digest'
        returning n.id::text as id, n.event, n.title, n.body, n.link, n.created_at`,
  );
  const notices = claimed.sort(
    (a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.id.localeCompare(b.id),
  );
  if (notices.length === 0) return [];
  // The conversations the notices point at, and how many of their messages are unread now.
  const threadOf = (notice: Claimed) =>
    notice.event === 'message-new' ? (CONVERSATION_LINK.exec(notice.link ?? '')?.[1] ?? null) : null;
  const threadIds = [...new Set(notices.map(threadOf).filter((id): id is string => id !== null))];
  const unread = new Map<string, number>();
  if (threadIds.length > 0) {
    const counts = await rows<{ id: string; unread: number }>(
      tx,
      sql`select th.id::text as id, (select count(*)::int from app.messages m
              where m.thread_id = th.id and m.author_id is distinct from ${userId}::uuid and m.deleted_at is null
                and m.created_at > coalesce((select r.read_at from app.thread_reads r
                  where r.thread_id = th.id and r.user_id = ${userId}::uuid), '-infinity')) as unread
            from unnest(${`{${threadIds.join(',')}}`}::uuid[]) as th(id)`,
    );
    for (const row of counts) unread.set(row.id, Number(row.unread));
  }
  const items: DigestItem[] = [];
  const byThread = new Map<string, DigestItem>();
  for (const notice of notices) {
    const threadId = threadOf(notice);
    const item: DigestItem = {
      title: notice.title,
      excerpt: excerpt(notice.body),
      unread: threadId ? (unread.get(threadId) ?? 0) : 0,
      linkUrl: notice.link ?? '/notifications',
    };
    if (threadId) {
      // Read since (or no longer theirs to read): nothing to tell.
      if (item.unread === 0) continue;
      const earlier = byThread.get(threadId);
      if (earlier) {
        // The latest notice of a conversation speaks for it, in the place of the first.
        Object.assign(earlier, item);
        continue;
      }
      byThread.set(threadId, item);
    }
    items.push(item);
  }
  return items;
}
