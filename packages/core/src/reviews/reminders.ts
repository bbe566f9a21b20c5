import { schema, sql, system, withActor } from '@foyer/db';
import type { Deps } from '../context';
import { notify } from '../mail/outbox';
import { rows } from '../tasks/common';
import { portalTaskLink } from './reviews';

/**
 * Reminds the reviewers of rounds that have waited the tenant's reminder days (and as many again
 * after each reminder): one notice per reviewer still to decide (bell, and email by their
 * choice), recorded in `review_reminders`. Runs as the worker of each tenant. A round is claimed
 * by an advisory lock for the transaction and checked again inside it, so two workers never
 * remind a round twice.
 */
export async function remindReviewers(
  deps: Deps,
  options: { tenantIds?: readonly string[]; limit?: number } = {},
): Promise<{ rounds: number; reminders: number }> {
  const now = deps.now();
  const due = await system.reviews.remindersDue(deps.db, {
    now,
    limit: options.limit ?? 200,
    ...(options.tenantIds ? { tenantIds: options.tenantIds } : {}),
  });
  let sent = 0;
  let rounds = 0;
  for (const round of due) {
    if (round.reviewerIds.length === 0) continue;
    sent += await withActor(deps.db.db, { kind: 'worker', tenantId: round.tenantId }, async (tx) => {
      const [claimed] = await rows<{ ok: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(hashtextextended(${`review-reminder:${round.roundId}`}, 0)) as ok`,
      );
      if (!claimed?.ok) return 0;
      // Another worker may have reminded this round since the list was read.
      const [recent] = await rows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from app.review_reminders
             where round_id = ${round.roundId}::uuid and sent_at > ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz`,
      );
      if (Number(recent?.n ?? 0) > 0) return 0;
      await tx.insert(schema.reviewReminders).values(
        round.reviewerIds.map((userId) => ({
          tenantId: round.tenantId,
          taskId: round.taskId,
          projectId: round.projectId,
          roundId: round.roundId,
          userId,
          // The clock that decided the reminder was due, so the next one is spaced by it too.
          sentAt: now,
        })),
      );
      const days = Math.max(1, Math.floor((now.getTime() - round.submittedAt.getTime()) / 86_400_000));
      const link = portalTaskLink(round.taskId);
      await notify(tx, {
        tenantId: round.tenantId,
        event: 'review-requested',
        userIds: round.reviewerIds,
        title: `Reminder: ${round.taskTitle} is waiting for your review`,
        body: `Round ${round.n} on ${round.projectName} has waited ${days} day${days === 1 ? '' : 's'}.`,
        link,
        vars: {
          taskTitle: round.taskTitle,
          projectName: round.projectName,
          requestedByName: '',
          roundNumber: round.n,
          reminder: true,
          waitingDays: days,
          dueDate: '',
          reviewUrl: link,
        },
      });
      rounds += 1;
      return round.reviewerIds.length;
    });
  }
  return { rounds, reminders: sent };
}
