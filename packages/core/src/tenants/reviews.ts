import { randomUUID } from 'node:crypto';
import { type ActingAs, type DatabaseHandle, rowsOf, sql, withActor } from '@foyer/db';
import type { TenantManifest } from './manifest';

type DeclaredReview = NonNullable<TenantManifest['projects'][number]['tasks'][number]['review']>;

export interface ReviewToApply {
  taskId: string;
  taskTitle: string;
  projectId: string;
  review: DeclaredReview;
}

interface ReviewPerson {
  id: string;
  role: 'admin' | 'staff' | 'client';
  clientId: string | null;
}

const as = (tenantId: string, person: ReviewPerson): ActingAs =>
  person.role === 'client'
    ? { kind: 'client', tenantId, userId: person.id, clientId: person.clientId ?? '' }
    : { kind: person.role, tenantId, userId: person.id };

/**
 * Writes the declared review trails of tasks that have none yet: each round as the team member
 * who submits it (its deliverables shared with the reviewers, as submitting does), each decision
 * as the reviewer, through the same rules as in use (the database numbers, hashes and checks
 * every entry, and moves the task). A task that already has a trail is left as it is; a round
 * whose files are not in the project (files not applied) stops that task's trail.
 */
export async function applyReviews(
  handle: DatabaseHandle,
  tenantId: string,
  reviews: ReviewToApply[],
  people: Map<string, ReviewPerson>,
): Promise<void> {
  const person = (email: string, what: string) => {
    const found = people.get(email.toLowerCase());
    if (!found) throw new Error(`${what}: no person ${email}`);
    return found;
  };
  for (const { taskId, taskTitle, projectId, review } of reviews) {
    const [first] = review.rounds;
    if (!first) continue;
    const submitter = person(first.by, taskTitle);
    const existing = await withActor(handle.db, as(tenantId, submitter), async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(
          sql`select count(*)::int as n from app.review_entries where task_id = ${taskId}::uuid`,
        ),
      ),
    );
    if (Number(existing[0]?.n ?? 0) > 0) continue;
    for (const round of review.rounds) {
      const by = person(round.by, taskTitle);
      const reviewerIds = round.reviewers.map((email) => person(email, taskTitle).id);
      const roundId = randomUUID();
      const written = await withActor(handle.db, as(tenantId, by), async (tx) => {
        const files = rowsOf<{
          id: string;
          version_id: string;
          version: number;
          name: string;
          size: number;
          sha256: string;
          content_type: string;
        }>(
          await tx.execute(sql`select f.id::text as id, v.id::text as version_id, f.version, f.name, f.size::float8 as size,
                   f.sha256, f.content_type
              from app.files f join app.file_versions v on v.tenant_id = f.tenant_id and v.file_id = f.id and v.version = f.version
             where f.project_id = ${projectId}::uuid and f.message_id is null
               and f.name = any(${`{${round.files.map((name) => `"${name.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`}::text[])`),
        );
        if (files.length !== round.files.length) return false;
        const byName = new Map(files.map((file) => [file.name, file]));
        const deliverables = [
          ...round.files.map((name) => {
            const file = byName.get(name) as (typeof files)[number];
            return {
              kind: 'file',
              fileId: file.id,
              versionId: file.version_id,
              version: Number(file.version),
              name: file.name,
              size: Number(file.size),
              sha256: file.sha256,
              contentType: file.content_type,
            };
          }),
          ...round.links.map((link) => ({ kind: 'link', url: link.url, label: link.label })),
        ];
        if (files.length > 0)
          await tx.execute(sql`update app.files set client_visible = true, shared_at = coalesce(shared_at, now()), share_pending = false
              where id = any(${`{${files.map((file) => file.id).join(',')}}`}::uuid[]) and not client_visible`);
        await tx.execute(sql`update app.tasks set client_review = true where id = ${taskId}::uuid`);
        await tx.execute(sql`insert into app.review_entries (tenant_id, id, task_id, kind, actor_id, body, deliverables, reviewer_ids)
            values (${tenantId}::uuid, ${roundId}::uuid, ${taskId}::uuid, 'round', ${by.id}::uuid, ${round.note ?? null},
              ${JSON.stringify(deliverables)}::jsonb, ${`{${reviewerIds.join(',')}}`}::uuid[])`);
        return true;
      });
      if (!written) break;
      for (const decision of round.decisions) {
        const reviewer = person(decision.by, taskTitle);
        await withActor(handle.db, as(tenantId, reviewer), (tx) =>
          tx.execute(sql`insert into app.review_entries (tenant_id, id, task_id, kind, round_id, actor_id, decision, body, pin)
              values (${tenantId}::uuid, ${randomUUID()}::uuid, ${taskId}::uuid, 'decision', ${roundId}::uuid,
                ${reviewer.id}::uuid, ${decision.decision}, ${decision.comment ?? null},
                ${decision.pin ? JSON.stringify(decision.pin) : null}::jsonb)`),
        );
      }
    }
  }
}
