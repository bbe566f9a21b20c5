import { type ActingAs, type DatabaseHandle, rowsOf, schema, withActor } from '@foyer/db';
import { and, eq, sql } from 'drizzle-orm';
import type { TenantManifest } from './manifest';

/**
 * The demo agencies' conversations: each started by its maker with its people, and its messages
 * written in their authors' own names through the policies, as the portal would write them (so
 * the database's triggers tell the people who are away, as they would). A conversation whose
 * subject is already there is left as it is, so applying twice changes nothing.
 */

const { projects, threadParticipants, threads, messages } = schema;

const MINUTE_MS = 60_000;

export interface ConversationPerson {
  id: string;
  name: string;
  role: 'admin' | 'staff' | 'client';
  clientId: string | null;
}

function actorOf(tenantId: string, person: ConversationPerson): ActingAs {
  return person.role === 'client'
    ? { kind: 'client', tenantId, userId: person.id, clientId: person.clientId ?? '' }
    : { kind: person.role, tenantId, userId: person.id };
}

export async function applyConversations(
  handle: DatabaseHandle,
  tenantId: string,
  declared: TenantManifest['conversations'],
  people: Map<string, ConversationPerson>,
  companyOf: Map<string, string>,
): Promise<void> {
  const find = (email: string) => {
    const person = people.get(email.toLowerCase());
    if (!person) throw new Error(`conversation: no person ${email}`);
    return person;
  };
  const emailById = new Map([...people].map(([email, p]) => [p.id, email]));
  const shown = (p: ConversationPerson) =>
    p.role === 'client' ? (companyOf.get(emailById.get(p.id) ?? '') ?? 'A client') : p.name;
  for (const talk of declared) {
    const maker = find(talk.by);
    const members = [maker, ...talk.people.map(find).filter((p) => p.id !== maker.id)];
    const chips = members
      .map((p) => ({ id: p.id, name: shown(p), client: p.role === 'client' }))
      .sort((a, b) => Number(a.client) - Number(b.client) || a.name.localeCompare(b.name));
    const threadId = await withActor(handle.db, actorOf(tenantId, maker), async (tx) => {
      const [existing] = await tx
        .select({ id: threads.id })
        .from(threads)
        .where(and(eq(threads.kind, talk.kind), eq(threads.title, talk.title)));
      if (existing) return null;
      const [project] = talk.project
        ? await tx.select({ id: projects.id }).from(projects).where(eq(projects.name, talk.project))
        : [];
      const [made] = await tx
        .insert(threads)
        .values({
          tenantId,
          kind: talk.kind,
          title: talk.title,
          projectId: project?.id ?? null,
          createdBy: maker.id,
          people: chips,
        })
        .returning({ id: threads.id });
      if (!made) throw new Error(`conversation ${talk.title}: not made`);
      await tx.insert(threadParticipants).values(
        members.map((p) => ({
          tenantId,
          threadId: made.id,
          userId: p.id,
          shownName: shown(p),
          addedBy: maker.id,
        })),
      );
      return made.id;
    });
    if (!threadId) continue;
    const written: { id: string; minutesAgo: number }[] = [];
    for (const message of talk.messages) {
      const author = find(message.author);
      const id = await withActor(handle.db, actorOf(tenantId, author), async (tx) => {
        const rows = await tx.execute(
          sql`insert into app.messages (tenant_id, thread_id, author_id, author_name, body, client_visible)
              values (${tenantId}, ${threadId}, ${author.id}, ${shown(author)}, ${message.body}, ${talk.kind !== 'internal'})
              returning id`,
        );
        return rowsOf<{ id: string }>(rows)[0]?.id;
      });
      if (id) written.push({ id, minutesAgo: message.minutesAgo });
    }
    // Dated as declared, by the maker (who reads every message of their conversation).
    await withActor(handle.db, actorOf(tenantId, maker), async (tx) => {
      for (const { id, minutesAgo } of written)
        await tx
          .update(messages)
          .set({ createdAt: new Date(Date.now() - minutesAgo * MINUTE_MS) })
          .where(eq(messages.id, id));
      const latest = Math.min(...written.map((w) => w.minutesAgo));
      if (written.length > 0)
        await tx
          .update(threads)
          .set({ lastMessageAt: new Date(Date.now() - latest * MINUTE_MS) })
          .where(eq(threads.id, threadId));
    });
  }
}
