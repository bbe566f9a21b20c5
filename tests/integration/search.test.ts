import { randomUUID } from 'node:crypto';
import { type SearchKind, type SearchResult, search, startConversation } from '@foyer/core';
import { sql, withActor } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPermissionDenied } from '../support/assert';
import { addOtherClient, addUser, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import { addTenantInvoice, createTenant, type TenantFixture } from '../support/tenants';

/**
 * Search (issue #18): whatever a person may open, and nothing else. Candidates come from the
 * tenant's full-text indexes; every hit, count, facet and snippet is then read as the person, so
 * another client's conversation, another tenant, a team chat, an internal task or file, and a
 * draft invoice give no hit and no count.
 */

const WORD = 'marzipan';

describe.each(drivers)('search on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  const superuser = (query: string, params: unknown[]) => t.superuser(query, params);

  async function task(
    tenant: TenantFixture,
    fields: { title: string; description?: string; visible: boolean },
  ) {
    const id = randomUUID();
    await superuser(
      `insert into app.tasks (tenant_id, id, project_id, status_id, title, description, client_visible)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        tenant.id,
        id,
        tenant.projectId,
        tenant.statusId,
        fields.title,
        fields.description ?? null,
        fields.visible,
      ],
    );
    return id;
  }

  async function file(tenant: TenantFixture, name: string, visible: boolean) {
    const id = randomUUID();
    await superuser(
      `insert into app.files (tenant_id, id, project_id, name, content_type, size, sha256, object_key,
         client_visible, uploaded_by, uploader_name)
       values ($1, $2, $3, $4, 'application/pdf', 10, $5, $6, $7, $8, 'Admin')`,
      [
        tenant.id,
        id,
        tenant.projectId,
        name,
        'b'.repeat(64),
        `tenants/${tenant.id}/${id}`,
        visible,
        tenant.admin.userId,
      ],
    );
    return id;
  }

  /** One tenant with the word in every kind, some of it the client's to see and some not. */
  async function world() {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const site = siteOf(tenant);
    const admin = core.as(tenant.admin, site);
    const client = core.as(tenant.client, site);
    const olive = await addOtherClient(t, tenant, ['projects', 'tasks.view', 'messages', 'files.download']);
    const oliveCtx = core.as(olive.actor, site);
    const ids = {
      titleTask: await task(tenant, { title: 'Marzipan glaze', visible: true }),
      bodyTask: await task(tenant, {
        title: 'Bakery signage',
        description: 'Letters in the colour of marzipan, as the client asked.',
        visible: true,
      }),
      internalTask: await task(tenant, { title: 'Marzipan margins (internal)', visible: false }),
      accented: await task(tenant, { title: 'Crème brûlée tasting', visible: true }),
      sharedFile: await file(tenant, 'marzipan-label_v2.pdf', true),
      internalFile: await file(tenant, 'marzipan-costs.pdf', false),
    };
    const discussion = await startConversation({
      ctx: admin,
      input: {
        kind: 'project',
        title: 'Samples',
        projectId: tenant.projectId,
        people: [tenant.client.userId],
        body: 'The marzipan samples are ready for tasting.',
      },
    });
    const oliveOnly = await startConversation({
      ctx: admin,
      input: {
        kind: 'project',
        title: 'Olive’s order',
        projectId: tenant.projectId,
        people: [olive.id],
        body: 'Olive wants marzipan roses.',
      },
    });
    const teamChat = await startConversation({
      ctx: admin,
      input: { kind: 'internal', title: 'Marzipan supplier', people: [], body: 'Marzipan costs went up.' },
    });
    const sent = await addTenantInvoice(t, tenant);
    await superuser('update app.invoices set buyer_name = $3 where tenant_id = $1 and id = $2', [
      tenant.id,
      sent.invoiceId,
      'Marzipan House',
    ]);
    const draftId = randomUUID();
    await superuser(
      `insert into app.invoices (tenant_id, id, client_id, currency, issue_date, due_date, buyer_name)
       select tenant_id, $2, client_id, currency, issue_date, due_date, 'Marzipan Draft Co'
       from app.invoices where tenant_id = $1 and id = $3`,
      [tenant.id, draftId, sent.invoiceId],
    );
    return {
      core,
      tenant,
      admin,
      client,
      oliveCtx,
      ids: {
        ...ids,
        discussion: discussion.id,
        oliveOnly: oliveOnly.id,
        teamChat: teamChat.id,
        sent: sent.invoiceId,
        draftId,
      },
    };
  }

  const hitIds = (result: SearchResult) => result.hits.map((hit) => hit.id);
  const kinds = (result: SearchResult, kind: SearchKind) =>
    result.hits.filter((hit) => hit.kind === kind).map((hit) => hit.title.map((p) => p.text).join(''));

  it('a client finds what they may open, and gets no hit and no count from anything else', async () => {
    const w = await world();
    const other = await createTenant(t);
    await task(other, { title: 'Marzipan in another workspace', visible: true });

    const found = await search({ ctx: w.client, input: { q: WORD } });
    expect(kinds(found, 'task').sort()).toEqual(['Bakery signage', 'Marzipan glaze']);
    expect(kinds(found, 'file')).toEqual(['marzipan-label_v2.pdf']);
    expect(kinds(found, 'invoice')).toEqual(['PRE-0001 · Marzipan House']);
    expect(found.hits.filter((hit) => hit.kind === 'message').map((hit) => hit.href)).toEqual([
      expect.stringMatching(new RegExp(`^/messages/${w.ids.discussion}#message-`)),
    ]);
    expect(found.counts).toEqual({ conversation: 0, message: 1, comment: 0, task: 2, file: 1, invoice: 1 });
    expect(found.total).toBe(5);
    for (const hidden of [
      w.ids.internalTask,
      w.ids.internalFile,
      w.ids.teamChat,
      w.ids.oliveOnly,
      w.ids.draftId,
    ])
      expect(hitIds(found)).not.toContain(hidden);
    expect(JSON.stringify(found)).not.toMatch(/roses|supplier|costs|margins|Draft Co|another workspace/i);

    // Words only the hidden things hold: nothing at all, not even a count.
    for (const q of ['roses', 'supplier', 'margins', 'costs', 'Draft Co', 'another workspace']) {
      const none = await search({ ctx: w.client, input: { q } });
      expect(none.total, q).toBe(0);
      expect(
        Object.values(none.counts).every((n) => n === 0),
        q,
      ).toBe(true);
      expect(none.people, q).toEqual([]);
      expect(none.projects, q).toEqual([]);
    }
  });

  it('the other client sees their own discussion and not the first client’s', async () => {
    const w = await world();
    const found = await search({ ctx: w.oliveCtx, input: { q: WORD, kind: 'message' } });
    expect(found.hits.map((hit) => hit.snippet.map((p) => p.text).join(''))).toEqual([
      'Olive wants marzipan roses.',
    ]);
    expect(found.counts.message).toBe(1);
    expect(found.counts.invoice).toBe(0);
  });

  it('the team finds internal work, team chats and drafts; never another tenant’s', async () => {
    const w = await world();
    const other = await createTenant(t);
    const elsewhere = await task(other, { title: 'Marzipan in another workspace', visible: true });
    const found = await search({ ctx: w.admin, input: { q: WORD } });
    expect(hitIds(found)).toEqual(
      expect.arrayContaining([
        w.ids.internalTask,
        w.ids.internalFile,
        w.ids.teamChat,
        w.ids.draftId,
        w.ids.sent,
      ]),
    );
    expect(hitIds(found)).not.toContain(elsewhere);
    expect(found.counts.conversation).toBe(1);
    expect(found.hits.find((hit) => hit.id === w.ids.teamChat)?.href).toBe(
      `/admin/messages/${w.ids.teamChat}`,
    );

    // Staff not on the project see neither its tasks nor its discussions.
    const outsider = await addUser(t, w.tenant, { role: 'staff', name: 'Outside Staff' });
    const outside = await search({ ctx: w.core.as(outsider.actor, siteOf(w.tenant)), input: { q: WORD } });
    expect(outside.counts.task).toBe(0);
    expect(outside.counts.message).toBe(0);
    expect(hitIds(outside)).not.toContain(w.ids.teamChat);
  });

  it('ranks a title match above a body match, and highlights the words that matched', async () => {
    const w = await world();
    const found = await search({ ctx: w.client, input: { q: WORD, kind: 'task' } });
    expect(kinds(found, 'task')).toEqual(['Marzipan glaze', 'Bakery signage']);
    const [first, second] = found.hits;
    expect(first?.title).toEqual([
      { text: 'Marzipan', hit: true },
      { text: ' glaze', hit: false },
    ]);
    expect(second?.snippet.filter((piece) => piece.hit).map((piece) => piece.text)).toEqual(['marzipan']);
    expect(second?.href).toBe(`/tasks/${w.ids.bodyTask}`);
  });

  it('matches without accents and by stem, and reads file names by their parts', async () => {
    const w = await world();
    const accents = await search({ ctx: w.client, input: { q: 'creme brulee' } });
    expect(kinds(accents, 'task')).toEqual(['Crème brûlée tasting']);
    expect(accents.hits[0]?.title.filter((p) => p.hit).map((p) => p.text)).toEqual(['Crème', 'brûlée']);
    const stems = await search({ ctx: w.client, input: { q: 'tastings' } });
    expect(hitIds(stems)).toContain(w.ids.accented);
    const parts = await search({ ctx: w.client, input: { q: 'label' } });
    expect(hitIds(parts)).toEqual([w.ids.sharedFile]);
  });

  it('filters by kind, project, person and date, with counts that follow the filters', async () => {
    const w = await world();
    const all = await search({ ctx: w.admin, input: { q: WORD } });
    expect(all.projects).toEqual([{ id: w.tenant.projectId, name: 'Website' }]);
    const byProject = await search({ ctx: w.admin, input: { q: WORD, projectId: w.tenant.projectId } });
    expect(byProject.counts.conversation).toBe(0); // the team chat has no project
    const files = await search({ ctx: w.admin, input: { q: WORD, kind: 'file' } });
    expect(files.total).toBe(2);
    expect(files.hits.every((hit) => hit.kind === 'file')).toBe(true);
    expect(files.counts.task).toBe(all.counts.task);

    const me = all.people.find((person) => person.id === w.tenant.admin.userId);
    expect(me?.name).toBe('You');
    const mine = await search({ ctx: w.admin, input: { q: WORD, personId: w.tenant.admin.userId } });
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.hits.every((hit) => hit.person?.id === w.tenant.admin.userId)).toBe(true);

    const future = await search({ ctx: w.admin, input: { q: WORD, from: '2999-01-01' } });
    expect(future.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const recent = await search({ ctx: w.admin, input: { q: WORD, from: '2000-01-01', to: today } });
    expect(recent.total).toBeGreaterThan(0);
  });

  it('refuses bad input with a message and answers an empty query with nothing', async () => {
    const w = await world();
    expect((await search({ ctx: w.client, input: { q: '   ' } })).query).toBe('');
    await expectCoreError(search({ ctx: w.client, input: { q: 'x'.repeat(201) } }), 'validation');
    await expectCoreError(search({ ctx: w.client, input: { q: WORD, projectId: 'nope' } }), 'validation');
    await expectCoreError(search({ ctx: w.client, input: { q: WORD, from: '2026-13-45' } }), 'validation');
    await expectCoreError(
      search({ ctx: w.client, input: { q: WORD, from: '2026-02-01', to: '2026-01-01' } }),
      'validation',
    );
    // Search syntax never errors: stray quotes, operators and stop words alone.
    for (const q of ['"unclosed', 'or', '-', 'the', '!!', '(marzipan']) {
      const result = await search({ ctx: w.client, input: { q } });
      expect(result.query).toBe(q);
    }
  });

  it('runtime roles cannot reach the candidate index', async () => {
    const w = await world();
    for (const actor of [w.tenant.admin, w.tenant.client]) {
      await expectPermissionDenied(
        withActor(t.handle.db, actor, (tx) =>
          tx.execute(
            sql`select * from app_system.search_candidates(${w.tenant.id}::uuid, 'marzipan', '{task}', 10)`,
          ),
        ),
      );
    }
  });
});
