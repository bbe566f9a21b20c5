import { type SearchKind, type SQL, schema, searchKinds, sql, system } from '@foyer/db';
import { z } from 'zod';
import { isTeam, type KnownPerson, peopleByIds, teamName } from '../conversations/common';
import { type Ctx, type Person, personOf, transact } from '../ctx';
import { invalid } from '../errors';
import { rows } from '../tasks/common';
import { highlight, snippet } from './highlight';
import type { SearchHit, SearchInput, SearchResult } from './types';

/**
 * Search across what a person may open: conversations, messages, task comments, tasks, files and
 * invoices. Two steps (docs/adr/0021): the tenant's full-text indexes give candidates, ids and
 * ranks only (`app_system.search_candidates`, since row-level security cannot use those indexes);
 * then every count, facet, title and snippet is read as the person, whose policies drop whatever
 * they may not open. Nothing reaches them from a row their policies hide.
 */

export const SEARCH_PAGE_SIZE = 20;
/** The most candidates of each kind taken from the index, best first. */
export const SEARCH_CANDIDATES = 1000;
export const SEARCH_QUERY_MAX = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string) => DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' || value === undefined ? null : value), schema.nullable());

/** The query string fields of a search, as a page receives them. */
export const searchInput = z.object({
  q: z
    .string()
    .trim()
    .max(SEARCH_QUERY_MAX, `Search for at most ${SEARCH_QUERY_MAX} characters.`)
    .default(''),
  kind: optional(z.enum(searchKinds, { message: 'There is no such kind of result.' })),
  projectId: optional(z.string().regex(UUID, 'Choose a project from the list.')),
  personId: optional(z.string().regex(UUID, 'Choose a person from the list.')),
  from: optional(z.string().refine(isDay, 'Enter a date as YYYY-MM-DD.')),
  to: optional(z.string().refine(isDay, 'Enter a date as YYYY-MM-DD.')),
  page: optional(z.coerce.number().int('Pages are whole numbers.').min(1).max(500)),
});

const emptyCounts = (): Record<SearchKind, number> =>
  Object.fromEntries(searchKinds.map((kind) => [kind, 0])) as Record<SearchKind, number>;

const empty = (query: string): SearchResult => ({
  query,
  hits: [],
  total: 0,
  counts: emptyCounts(),
  page: 1,
  pages: 1,
  projects: [],
  people: [],
});

/** A visible hit, before its words are read. */
interface Visible {
  kind: SearchKind;
  id: string;
  rank: number;
  projectId: string | null;
  personId: string | null;
  at: Date;
}

/** What the page of hits shows, read as the person. */
interface Detail {
  kind: SearchKind;
  id: string;
  title: string | null;
  body: string | null;
  projectId: string | null;
  projectName: string | null;
  /** The name the row carries for its person (a message's, a file's uploader, an invoice's client). */
  personLabel: string | null;
  threadId: string | null;
  taskId: string | null;
}

/**
 * What `input.q` finds among what the signed-in person may open, a page at a time, with counts
 * per kind and the projects and people to filter by. A read: nothing is recorded.
 */
export async function search({ ctx, input }: { ctx: Ctx; input: SearchInput }): Promise<SearchResult> {
  const me = personOf(ctx, 'Sign in to search.');
  const parsed = searchInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid({ [String(issue?.path[0] ?? 'q')]: issue?.message ?? 'Invalid value.' });
  }
  const { q, kind, projectId, personId, from, to } = parsed.data;
  if (from && to && from > to) throw invalid({ to: 'The end date is before the start date.' });
  if (q === '') return empty('');

  const candidates = await system.search.candidates(ctx.deps.db, {
    tenantId: me.tenantId,
    query: q,
    kinds: searchKinds,
    limit: SEARCH_CANDIDATES,
  });
  if (candidates.length === 0) return empty(q);

  return transact(ctx, async ({ tx }) => {
    // Statements that do not wait for each other are sent together: on PostgreSQL they share a
    // round trip (postgres.js pipelines them on the transaction's connection).
    const [visible, lexemes] = await Promise.all([
      rows<{
        kind: SearchKind;
        id: string;
        rank: number;
        project_id: string | null;
        person_id: string | null;
        at: string | Date;
      }>(tx, visibleAmong(candidates)),
      stemsOf(tx, q),
    ]);
    const all: Visible[] = visible.map((row) => ({
      kind: row.kind,
      id: row.id,
      rank: Number(row.rank),
      projectId: row.project_id,
      personId: row.person_id,
      at: new Date(row.at),
    }));
    const fromTime = from ? Date.parse(`${from}T00:00:00Z`) : null;
    const toTime = to ? Date.parse(`${to}T00:00:00Z`) + 24 * 60 * 60 * 1000 : null;
    const filtered = all.filter(
      (hit) =>
        (!projectId || hit.projectId === projectId) &&
        (!personId || hit.personId === personId) &&
        (fromTime === null || hit.at.getTime() >= fromTime) &&
        (toTime === null || hit.at.getTime() < toTime),
    );
    const counts = emptyCounts();
    for (const hit of filtered) counts[hit.kind] = (counts[hit.kind] ?? 0) + 1;
    const matching = kind ? filtered.filter((hit) => hit.kind === kind) : filtered;
    matching.sort((a, b) => b.rank - a.rank || b.at.getTime() - a.at.getTime() || a.id.localeCompare(b.id));
    const pages = Math.max(1, Math.ceil(matching.length / SEARCH_PAGE_SIZE));
    const page = Math.min(parsed.data.page ?? 1, pages);
    const shown = matching.slice((page - 1) * SEARCH_PAGE_SIZE, page * SEARCH_PAGE_SIZE);

    // Names of the people behind the hits, as this person sees them.
    const team = isTeam(me);
    const userIds = [...new Set(all.filter((h) => h.kind !== 'invoice').map((h) => h.personId))].filter(
      (id): id is string => !!id,
    );
    const [details, accounts, labels, projectNames, billed] = await Promise.all([
      shown.length > 0 ? detailsOf(tx, shown) : new Map<string, Detail>(),
      team ? peopleByIds(tx, userIds) : new Map<string, KnownPerson>(),
      team ? new Map<string, string>() : clientLabels(tx, all),
      projectNamesOf(
        tx,
        all.map((hit) => hit.projectId),
      ),
      team ? invoiceClients(tx, all) : new Map<string, string>(),
    ]);
    const personOfHit = (hit: Visible, detail?: Detail): { id: string; name: string } | null => {
      if (!hit.personId) return null;
      if (hit.kind === 'invoice') {
        // A client's own invoices are billed to them: no one to name.
        return team && detail?.personLabel ? { id: hit.personId, name: detail.personLabel } : null;
      }
      if (hit.personId === me.userId) return { id: hit.personId, name: 'You' };
      if (team) {
        const account = accounts.get(hit.personId);
        return account ? { id: hit.personId, name: teamName(account) } : null;
      }
      const label = labels.get(hit.personId);
      return label ? { id: hit.personId, name: label } : null;
    };

    const hits: SearchHit[] = shown.flatMap((hit) => {
      const detail = details.get(`${hit.kind}:${hit.id}`);
      if (!detail) return [];
      return [
        {
          kind: hit.kind,
          id: hit.id,
          title: highlight(detail.title ?? '', lexemes),
          snippet: detail.body ? snippet(detail.body, lexemes) : [],
          href: hrefOf(me, detail),
          projectName: detail.projectName,
          person: personOfHit(hit, detail),
          at: hit.at,
        },
      ];
    });

    // The people behind the hits, then (for the team) the clients its invoice hits are billed to.
    const people = new Map<string, string>();
    for (const hit of all) {
      if (!hit.personId || hit.kind === 'invoice' || people.has(hit.personId)) continue;
      const person = personOfHit(hit);
      if (person) people.set(person.id, person.name);
    }
    for (const [id, name] of billed) if (!people.has(id)) people.set(id, name);

    return {
      query: q,
      hits,
      total: matching.length,
      counts,
      page,
      pages,
      projects: [...projectNames]
        .map(([id, name]) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      people: [...people].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}

/**
 * The candidates this person's policies let them read, with what the filters need. Each branch
 * joins a kind's table by id, so row-level security decides; a message also needs its thread.
 * Only the kinds among the candidates get a branch: every branch brings its table's policies
 * into the plan, and planning them is most of what an unneeded branch would cost.
 */
function visibleAmong(candidates: readonly { kind: SearchKind; id: string; rank: number }[]) {
  const kinds = `{${candidates.map((c) => c.kind).join(',')}}`;
  const ids = `{${candidates.map((c) => c.id).join(',')}}`;
  const ranks = `{${candidates.map((c) => c.rank).join(',')}}`;
  const present = new Set(candidates.map((c) => c.kind));
  const branches: SQL[] = [];
  if (present.has('conversation'))
    branches.push(sql`
    select c.kind, t.id::text as id, c.rank, t.project_id::text as project_id, t.created_by::text as person_id,
      coalesce(t.last_message_at, t.created_at) as at
    from c join app.threads t on t.id = c.id where c.kind = 'conversation'`);
  if (present.has('message') || present.has('comment'))
    branches.push(sql`
    select c.kind, m.id::text as id, c.rank, coalesce(th.project_id, k.project_id)::text as project_id,
      m.author_id::text as person_id, m.created_at as at
    from c join app.messages m on m.id = c.id
      join app.threads th on th.tenant_id = m.tenant_id and th.id = m.thread_id
      left join app.tasks k on k.tenant_id = th.tenant_id and k.id = th.task_id
    where c.kind in ('message', 'comment') and (th.kind <> 'task' or k.id is not null)`);
  if (present.has('task'))
    branches.push(sql`
    select c.kind, k.id::text as id, c.rank, k.project_id::text as project_id, k.created_by::text as person_id,
      k.created_at as at
    from c join app.tasks k on k.id = c.id where c.kind = 'task'`);
  if (present.has('file'))
    branches.push(sql`
    select c.kind, f.id::text as id, c.rank, f.project_id::text as project_id, f.uploaded_by::text as person_id,
      f.created_at as at
    from c join app.files f on f.id = c.id where c.kind = 'file'`);
  if (present.has('invoice'))
    branches.push(sql`
    select c.kind, i.id::text as id, c.rank, i.project_id::text as project_id, i.client_id::text as person_id,
      i.issue_date::timestamptz as at
    from c join app.invoices i on i.id = c.id where c.kind = 'invoice'`);
  return sql`
    with c as (select * from unnest(${kinds}::text[], ${ids}::uuid[], ${ranks}::float8[]) as c(kind, id, rank))
    ${sql.join(branches, sql` union all `)}`;
}

/** Titles, words and links of the hits on the page, read as the person. */
async function detailsOf(
  tx: Parameters<typeof rows>[0],
  shown: readonly Visible[],
): Promise<Map<string, Detail>> {
  const ids = (kind: SearchKind | SearchKind[]) => {
    const wanted = Array.isArray(kind) ? kind : [kind];
    const list = shown.filter((hit) => wanted.includes(hit.kind)).map((hit) => hit.id);
    return list.length > 0 ? `{${list.join(',')}}` : null;
  };
  // As in visibleAmong, a branch only for the kinds on the page.
  const branches: SQL[] = [];
  const conversations = ids('conversation');
  if (conversations)
    branches.push(sql`
      select 'conversation' as kind, t.id::text as id, t.title, null::text as body, t.project_id::text as project_id,
        p.name as project_name, null::text as person_label, t.id::text as thread_id, null::text as task_id
      from app.threads t left join app.projects p on p.tenant_id = t.tenant_id and p.id = t.project_id
      where t.id = any(${conversations}::uuid[])`);
  const messages = ids(['message', 'comment']);
  if (messages)
    branches.push(sql`
      select case when th.kind = 'task' then 'comment' else 'message' end as kind, m.id::text as id,
        case when th.kind = 'task' then k.title else th.title end as title, m.body,
        coalesce(th.project_id, k.project_id)::text as project_id, p.name as project_name,
        m.author_name as person_label, th.id::text as thread_id, th.task_id::text as task_id
      from app.messages m
        join app.threads th on th.tenant_id = m.tenant_id and th.id = m.thread_id
        left join app.tasks k on k.tenant_id = th.tenant_id and k.id = th.task_id
        left join app.projects p on p.tenant_id = m.tenant_id and p.id = coalesce(th.project_id, k.project_id)
      where m.id = any(${messages}::uuid[])`);
  const tasks = ids('task');
  if (tasks)
    branches.push(sql`
      select 'task' as kind, k.id::text as id, k.title, k.description as body, k.project_id::text as project_id,
        p.name as project_name, null::text as person_label, null::text as thread_id, k.id::text as task_id
      from app.tasks k left join app.projects p on p.tenant_id = k.tenant_id and p.id = k.project_id
      where k.id = any(${tasks}::uuid[])`);
  const files = ids('file');
  if (files)
    branches.push(sql`
      select 'file' as kind, f.id::text as id, f.name as title, null::text as body, f.project_id::text as project_id,
        p.name as project_name, f.uploader_name as person_label, m.thread_id::text as thread_id, null::text as task_id
      from app.files f
        left join app.projects p on p.tenant_id = f.tenant_id and p.id = f.project_id
        left join app.messages m on m.tenant_id = f.tenant_id and m.id = f.message_id
      where f.id = any(${files}::uuid[])`);
  const invoices = ids('invoice');
  if (invoices)
    branches.push(sql`
      select 'invoice' as kind, i.id::text as id, coalesce(i.number, 'Draft') || ' · ' || i.buyer_name as title,
        null::text as body, i.project_id::text as project_id, p.name as project_name, i.buyer_name as person_label,
        null::text as thread_id, null::text as task_id
      from app.invoices i left join app.projects p on p.tenant_id = i.tenant_id and p.id = i.project_id
      where i.id = any(${invoices}::uuid[])`);
  if (branches.length === 0) return new Map();
  const found = await rows<{
    kind: SearchKind;
    id: string;
    title: string | null;
    body: string | null;
    project_id: string | null;
    project_name: string | null;
    person_label: string | null;
    thread_id: string | null;
    task_id: string | null;
  }>(tx, sql.join(branches, sql` union all `));
  return new Map(
    found.map((row) => [
      `${row.kind}:${row.id}`,
      {
        kind: row.kind,
        id: row.id,
        title: row.title,
        body: row.body,
        projectId: row.project_id,
        projectName: row.project_name,
        personLabel: row.person_label,
        threadId: row.thread_id,
        taskId: row.task_id,
      },
    ]),
  );
}

/** The stems of the query's words, as the index holds them: what a hit highlights. */
async function stemsOf(tx: Parameters<typeof rows>[0], q: string): Promise<string[]> {
  const [terms] = await rows<{ lexemes: string[] }>(
    tx,
    sql`select coalesce(array(select lexeme from unnest(to_tsvector('english'::regconfig, app.search_text(${q}))) order by lexeme), '{}') as lexemes`,
  );
  return terms?.lexemes ?? [];
}

/** Where a hit opens: the team's pages, or the portal's. */
function hrefOf(me: Person, hit: Detail): string {
  const team = isTeam(me);
  switch (hit.kind) {
    case 'conversation':
      return team ? `/admin/messages/${hit.id}` : `/messages/${hit.id}`;
    case 'message':
      return `${team ? '/admin/messages' : '/messages'}/${hit.threadId}#message-${hit.id}`;
    case 'comment':
    case 'task':
      return team ? `/admin/tasks/${hit.taskId}` : `/tasks/${hit.taskId}`;
    case 'file':
      if (team) return `/admin/files/${hit.id}`;
      return hit.projectId ? `/projects/${hit.projectId}/files/${hit.id}` : `/messages/${hit.threadId}`;
    default:
      return team ? `/admin/invoices/${hit.id}` : `/invoices/${hit.id}`;
  }
}

/** Names of the projects among the hits that this person may read. */
async function projectNamesOf(
  tx: Parameters<typeof rows>[0],
  ids: readonly (string | null)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map();
  const found = await rows<{ id: string; name: string }>(
    tx,
    sql`select id::text as id, name from ${schema.projects} where id = any(${`{${wanted.join(',')}}`}::uuid[])`,
  );
  return new Map(found.map((row) => [row.id, row.name]));
}

/**
 * What a client calls the people behind their hits: clients read no one's account but their own,
 * so a message's author is the name it carries (the agency's choice), a file's uploader the name
 * stored with it, and the team otherwise.
 */
async function clientLabels(
  tx: Parameters<typeof rows>[0],
  hits: readonly Visible[],
): Promise<Map<string, string>> {
  const messageIds = hits.filter((h) => h.kind === 'message' || h.kind === 'comment').map((h) => h.id);
  const fileIds = hits.filter((h) => h.kind === 'file').map((h) => h.id);
  if (messageIds.length + fileIds.length === 0) return new Map();
  const found = await rows<{ person_id: string; label: string | null }>(
    tx,
    sql`
      select m.author_id::text as person_id, m.author_name as label from app.messages m
      where m.id = any(${`{${messageIds.join(',')}}`}::uuid[]) and m.author_id is not null
      union all
      select f.uploaded_by::text, f.uploader_name from app.files f
      where f.id = any(${`{${fileIds.join(',')}}`}::uuid[]) and f.uploaded_by is not null`,
  );
  const labels = new Map<string, string>();
  for (const row of found)
    if (!labels.has(row.person_id) || row.label) labels.set(row.person_id, row.label ?? 'The team');
  return labels;
}

/** The clients the team's invoice hits are billed to, by the names on the invoices. */
async function invoiceClients(
  tx: Parameters<typeof rows>[0],
  hits: readonly Visible[],
): Promise<Map<string, string>> {
  const ids = hits.filter((h) => h.kind === 'invoice').map((h) => h.id);
  if (ids.length === 0) return new Map();
  const found = await rows<{ id: string; name: string }>(
    tx,
    sql`select distinct on (client_id) client_id::text as id, buyer_name as name from app.invoices
        where id = any(${`{${ids.join(',')}}`}::uuid[]) order by client_id, issue_date desc`,
  );
  return new Map(found.map((row) => [row.id, row.name]));
}
