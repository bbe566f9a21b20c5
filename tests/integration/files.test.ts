import { createHash, randomBytes } from 'node:crypto';
import {
  announceFileShares,
  createFolder,
  deleteFiles,
  deleteFolder,
  fileAudience,
  fileLink,
  getFile,
  listFiles,
  moveFiles,
  registerUpload,
  renameFile,
  setFilesDefault,
  setFileVisibility,
  storageUsage,
  sweepTenantObjects,
  taskThread,
  uploadAllowance,
} from '@foyer/core';
import { type ActingAs, sql, withActor } from '@foyer/db';
import { objectKey, verifyLocalLink } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityOf, addUser, deliverQueued, expectCoreError, siteOf, testCore } from '../support/auth';
import { drivers, openTestDatabase, type TestDatabase, txRows } from '../support/databases';
import { createTenant, type TenantFixture } from '../support/tenants';

/**
 * Files: the team's uploads, folders, versions and sharing; what each client reads of them; the
 * objects removed after the rows; storage usage kept by the database; the hourly share notices.
 * The bytes themselves are stored in the test core's local directory.
 */
describe.each(drivers)('files on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
  });
  afterAll(() => t.close());

  /** Stores `bytes` under a fresh key of the tenant and registers it as `actor`'s upload. */
  async function upload(
    core: ReturnType<typeof testCore>,
    actor: ActingAs,
    tenant: TenantFixture,
    place: {
      name: string;
      folderId?: string | null;
      replaceFileId?: string | null;
      /** null: none (a message's file goes where its thread lives). */
      projectId?: string | null;
      taskId?: string | null;
      messageId?: string | null;
    },
    bytes: Buffer = randomBytes(64),
  ) {
    const key = objectKey(tenant.id, crypto.randomUUID());
    await core.deps.files.store.put(key, bytes, { contentType: 'application/pdf' });
    const ctx = core.as(actor, siteOf(tenant));
    const registered = await registerUpload({
      ctx,
      input: {
        projectId: place.projectId === null ? null : (place.projectId ?? tenant.projectId),
        folderId: place.folderId ?? null,
        replaceFileId: place.replaceFileId ?? null,
        taskId: place.taskId ?? null,
        messageId: place.messageId ?? null,
        name: place.name,
        size: bytes.length,
        key,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'application/pdf',
      },
    });
    return { ...registered, key };
  }

  const names = (area: { files: { name: string }[] }) => area.files.map((file) => file.name).sort();

  it('the team uploads into folders; a client reads only shared files and the folders on their way', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const brief = await createFolder({ ctx: admin, input: { projectId: tenant.projectId, name: 'Briefs' } });
    const drafts = await createFolder({
      ctx: admin,
      input: { projectId: tenant.projectId, parentId: brief.id, name: 'Drafts' },
    });
    await expectCoreError(
      createFolder({ ctx: admin, input: { projectId: tenant.projectId, name: 'briefs' } }),
      'validation',
      'name',
    );
    await expectCoreError(
      createFolder({ ctx: admin, input: { projectId: tenant.projectId, name: '../etc' } }),
      'validation',
      'name',
    );
    const shown = await upload(core, tenant.admin, tenant, { name: 'Brief.pdf', folderId: drafts.id });
    await upload(core, tenant.admin, tenant, { name: 'Notes.pdf', folderId: drafts.id });

    const teamView = await listFiles({
      ctx: admin,
      input: { projectId: tenant.projectId, folderId: drafts.id },
    });
    expect(names(teamView)).toEqual(['Brief.pdf', 'Notes.pdf']);
    expect(teamView.trail.map((f) => f.name)).toEqual(['Briefs', 'Drafts']);
    expect(teamView.files.every((file) => !file.clientVisible)).toBe(true);

    // Nothing shared yet: the client sees neither the files nor the folders.
    const before = await listFiles({ ctx: client, input: { projectId: tenant.projectId } });
    expect(before.folders.map((f) => f.name)).toEqual(['Brand']);
    await expectCoreError(
      listFiles({ ctx: client, input: { projectId: tenant.projectId, folderId: drafts.id } }),
      'not_found',
    );
    await expectCoreError(fileLink({ ctx: client, input: { id: shown.id } }), 'not_found');

    expect(await setFileVisibility({ ctx: admin, input: { ids: [shown.id], clientVisible: true } })).toBe(1);
    const top = await listFiles({ ctx: client, input: { projectId: tenant.projectId } });
    expect(top.folders.map((f) => f.name).sort()).toEqual(['Brand', 'Briefs']);
    const inside = await listFiles({
      ctx: client,
      input: { projectId: tenant.projectId, folderId: drafts.id },
    });
    expect(names(inside)).toEqual(['Brief.pdf']);
    expect(inside.files[0]?.uploaderName).toBe('Admin');
    expect(inside.canUpload).toBe(false);
    expect(inside.canManage).toBe(false);

    // Search covers the whole project; sorting and the type filter apply.
    const found = await listFiles({ ctx: admin, input: { projectId: tenant.projectId, q: 'not' } });
    expect(names(found)).toEqual(['Notes.pdf']);
    const pdfs = await listFiles({
      ctx: admin,
      input: { projectId: tenant.projectId, q: '.pdf', group: 'image' },
    });
    expect(pdfs.files).toEqual([]);
    const bySize = await listFiles({
      ctx: admin,
      input: { projectId: tenant.projectId, folderId: drafts.id, sort: 'name', dir: 'desc' },
    });
    expect(bySize.files.map((f) => f.name)).toEqual(['Notes.pdf', 'Brief.pdf']);
  });

  it('a download link is issued after the row is read, records the download, and serves the right object', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const file = await upload(core, tenant.admin, tenant, { name: 'Report “final”.pdf' });
    await setFileVisibility({ ctx: admin, input: { ids: [file.id], clientVisible: true } });

    const link = await fileLink({ ctx: client, input: { id: file.id } });
    expect(link.disposition).toBe('attachment');
    const verified = verifyLocalLink(link.url, core.deps.files.linkSecret, Date.now());
    expect(verified.ok && verified.key).toBe(file.key);
    expect(verified.ok && verified.headers['Content-Disposition']).toContain('attachment');
    const downloads = await activityOf(t, tenant.id, 'file.downloaded');
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({ actor_id: tenant.client.userId, subject_id: file.id });

    // A preview is inline for a PDF and is not a download.
    const preview = await fileLink({ ctx: client, input: { id: file.id, disposition: 'inline' } });
    expect(preview.disposition).toBe('inline');
    expect(await activityOf(t, tenant.id, 'file.downloaded')).toHaveLength(1);

    // Another tenant's admin cannot reach it at all.
    const other = await createTenant(t);
    await expectCoreError(
      fileLink({ ctx: core.as(other.admin, siteOf(other)), input: { id: file.id } }),
      'not_found',
    );
  });

  it('clients upload at the top of their projects when allowed, and see their own uploads', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const mine = await upload(core, tenant.client, tenant, { name: 'Signed contract.pdf' });
    const area = await listFiles({ ctx: client, input: { projectId: tenant.projectId } });
    expect(area.canUpload).toBe(true);
    expect(area.files.find((f) => f.id === mine.id)).toMatchObject({ own: true, uploaderName: 'You' });

    const team = await listFiles({ ctx: admin, input: { projectId: tenant.projectId } });
    expect(team.files.find((f) => f.id === mine.id)).toMatchObject({
      fromClient: true,
      uploaderName: 'Client',
    });

    // Another client of the project does not see it until the team shares it, under the company name.
    const colleague = await addUser(t, tenant, {
      role: 'client',
      clientId: tenant.clientId,
      name: 'Colleague',
    });
    await t.superuser(`update app.users set permissions = '{projects,files.download}' where id = $1;`, [
      colleague.id,
    ]);
    await t.superuser(
      `insert into app.project_clients (tenant_id, project_id, user_id) values ($1, $2, $3)`,
      [tenant.id, tenant.projectId, colleague.id],
    );
    const colleagueCtx = core.as(colleague.actor, siteOf(tenant));
    const hidden = await listFiles({ ctx: colleagueCtx, input: { projectId: tenant.projectId } });
    expect(hidden.files.map((f) => f.id)).not.toContain(mine.id);
    expect(hidden.canUpload).toBe(false);
    await setFileVisibility({ ctx: admin, input: { ids: [mine.id], clientVisible: true } });
    const shared = await listFiles({ ctx: colleagueCtx, input: { projectId: tenant.projectId } });
    expect(shared.files.find((f) => f.id === mine.id)?.uploaderName).toBe(`Client of ${tenant.slug}`);

    // Without files.upload: refused before any byte, and at registration too.
    await expectCoreError(
      uploadAllowance({ ctx: colleagueCtx, input: { projectId: tenant.projectId, name: 'x.pdf', size: 10 } }),
      'forbidden',
    );
    // Into a folder or as a new version: the team's.
    await expectCoreError(
      uploadAllowance({
        ctx: client,
        input: { projectId: tenant.projectId, folderId: tenant.folderId, name: 'x.pdf', size: 10 },
      }),
      'forbidden',
    );
    await expectCoreError(
      uploadAllowance({
        ctx: client,
        input: { projectId: tenant.projectId, name: '../../etc/passwd', size: 10 },
      }),
      'validation',
    );
  });

  it('a same-named upload becomes the next version; earlier versions are the team’s', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const first = await upload(core, tenant.admin, tenant, { name: 'Logo.pdf' });
    const second = await upload(core, tenant.admin, tenant, { name: 'Logo.pdf', replaceFileId: first.id });
    expect(second).toMatchObject({ id: first.id, version: 2 });
    const detail = await getFile({ ctx: admin, input: { id: first.id } });
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    const old = await fileLink({ ctx: admin, input: { id: first.id, version: 1 } });
    const verified = verifyLocalLink(old.url, core.deps.files.linkSecret, Date.now());
    expect(verified.ok && verified.key).toBe(first.key);

    await setFileVisibility({ ctx: admin, input: { ids: [first.id], clientVisible: true } });
    const seen = await getFile({ ctx: client, input: { id: first.id } });
    expect(seen.versions).toEqual([]);
    expect(seen.file.version).toBe(2);
    await expectCoreError(fileLink({ ctx: client, input: { id: first.id, version: 1 } }), 'not_found');
  });

  it('moves, renames and deletes; objects go after COMMIT and usage follows', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const store = core.deps.files.store;
    const usage0 = await storageUsage({ ctx: admin });
    const folder = await createFolder({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'Archive' },
    });
    const a = await upload(core, tenant.admin, tenant, { name: 'a.pdf' }, randomBytes(1000));
    const b = await upload(core, tenant.admin, tenant, { name: 'b.pdf' }, randomBytes(3000));
    const usage1 = await storageUsage({ ctx: admin });
    expect(usage1.bytes - usage0.bytes).toBe(4000);
    expect(usage1.files - usage0.files).toBe(2);

    expect(await moveFiles({ ctx: admin, input: { ids: [a.id, b.id], folderId: folder.id } })).toBe(2);
    await renameFile({ ctx: admin, input: { id: a.id, name: 'Alpha.pdf' } });
    await expectCoreError(
      renameFile({ ctx: admin, input: { id: a.id, name: 'a/b.pdf' } }),
      'validation',
      'name',
    );
    const moved = await listFiles({
      ctx: admin,
      input: { projectId: tenant.projectId, folderId: folder.id },
    });
    expect(names(moved)).toEqual(['Alpha.pdf', 'b.pdf']);

    expect(await deleteFiles({ ctx: admin, input: { ids: [a.id] } })).toBe(1);
    expect(await store.head(a.key)).toBeNull();
    expect(await store.head(b.key)).not.toBeNull();
    expect(await deleteFolder({ ctx: admin, input: { id: folder.id } })).toEqual({ files: 1 });
    expect(await store.head(b.key)).toBeNull();
    const usage2 = await storageUsage({ ctx: admin });
    expect(usage2).toMatchObject({ bytes: usage0.bytes, files: usage0.files });

    // A client cannot manage files, nor see storage.
    const client = core.as(tenant.client, siteOf(tenant));
    await expectCoreError(deleteFiles({ ctx: client, input: { ids: [tenant.fileId] } }), 'forbidden');
    await expectCoreError(storageUsage({ ctx: client }), 'forbidden');
    expect(await activityOf(t, tenant.id, 'file.deleted')).toHaveLength(1);
  });

  it('refuses an upload over the tenant’s cap before any byte', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    await t.superuser(`update app.storage_usage set limit_bytes = bytes + 1000 where tenant_id = $1`, [
      tenant.id,
    ]);
    const ok = await uploadAllowance({
      ctx: admin,
      input: { projectId: tenant.projectId, name: 'a.pdf', size: 900 },
    });
    expect(ok.roomBytes).toBe(1000);
    const refused = await expectCoreError(
      uploadAllowance({ ctx: admin, input: { projectId: tenant.projectId, name: 'big.mov', size: 5000 } }),
      'limit_reached',
    );
    expect(refused.message).toContain('more than this workspace has left');
  });

  it('tells who can see a file and why not', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    await t.superuser(`update app.users set password_hash = 'set' where id = $1`, [tenant.client.userId]);
    const file = await upload(core, tenant.admin, tenant, { name: 'Plan.pdf' });
    const [internal] = await fileAudience({ ctx: admin, input: { id: file.id } });
    expect(internal).toMatchObject({ canSee: false, reason: 'internal' });
    await setFileVisibility({ ctx: admin, input: { ids: [file.id], clientVisible: true } });
    const [visible] = await fileAudience({ ctx: admin, input: { id: file.id } });
    expect(visible).toMatchObject({ canSee: true, reason: 'visible' });
    await t.superuser(`update app.users set permissions = '{projects}' where id = $1`, [
      tenant.client.userId,
    ]);
    const [off] = await fileAudience({ ctx: admin, input: { id: file.id } });
    expect(off).toMatchObject({ canSee: false, reason: 'download_off' });
  });

  it('sends one "files shared" notice per project an hour after the first share, listing every file', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    // The client has accepted their invitation (an invited one hears of it in the bell only).
    await t.superuser(`update app.users set password_hash = 'set' where id = $1`, [tenant.client.userId]);
    await setFilesDefault({ ctx: admin, input: { projectId: tenant.projectId, clientVisible: true } });
    await upload(core, tenant.admin, tenant, { name: 'One.pdf' });
    await upload(core, tenant.admin, tenant, { name: 'Two.pdf' });
    const hidden = await upload(core, tenant.admin, tenant, { name: 'Three.pdf' });
    await setFileVisibility({ ctx: admin, input: { ids: [hidden.id], clientVisible: false } });

    expect(await announceFileShares(core.deps, { tenantIds: [tenant.id] })).toEqual({
      projects: 0,
      files: 0,
    });
    core.clock.advance(61 * 60 * 1000);
    expect(await announceFileShares(core.deps, { tenantIds: [tenant.id] })).toEqual({
      projects: 1,
      files: 2,
    });
    // Told once: a second run finds nothing.
    expect(await announceFileShares(core.deps, { tenantIds: [tenant.id] })).toEqual({
      projects: 0,
      files: 0,
    });

    const notices = await withActor(t.handle.db, tenant.client, (tx) =>
      txRows<{ title: string; link: string }>(
        tx,
        sql`select title, link from app.notifications where event = 'file-shared'`,
      ),
    );
    expect(notices).toEqual([
      { title: '2 new files on Website', link: `/projects/${tenant.projectId}/files` },
    ]);
    await deliverQueued(core, [tenant.id]);
    const mail = core.mail.find((m) => m.subject === '2 new files on Website');
    expect(mail?.text).toContain('One.pdf');
    expect(mail?.text).toContain('Two.pdf');
    expect(mail?.text).not.toContain('Three.pdf');
  });

  it('the sweep removes objects no row names (on their second sighting) and reports missing ones', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const store = core.deps.files.store;
    const kept = await upload(core, tenant.admin, tenant, { name: 'Kept.pdf' });
    const orphan = objectKey(tenant.id, crypto.randomUUID());
    const inProgress = objectKey(tenant.id, crypto.randomUUID());
    await store.put(orphan, Buffer.from('left behind'));
    await store.put(inProgress, Buffer.from('still arriving'));
    const seen = new Set<string>();
    const pending = async function* () {
      yield inProgress;
    };
    const first = await sweepTenantObjects(core.deps, tenant.id, { pending, seen });
    expect(first).toMatchObject({ objects: 3, removed: [], suspects: 1 });
    // The fixture's file row names a key nothing was stored under.
    expect(first.missing).toHaveLength(1);
    expect(await store.head(orphan)).not.toBeNull();
    const second = await sweepTenantObjects(core.deps, tenant.id, { pending, seen });
    expect(second.removed).toEqual([orphan]);
    expect(await store.head(orphan)).toBeNull();
    expect(await store.head(kept.key)).not.toBeNull();
    expect(await store.head(inProgress)).not.toBeNull();
  });

  it('files attach to a task and to comments, and follow what the client may read', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const onTask = await upload(core, tenant.admin, tenant, { name: 'Spec.pdf', taskId: tenant.taskId });
    const teamList = await listFiles({
      ctx: admin,
      input: { projectId: tenant.projectId, taskId: tenant.taskId },
    });
    expect(teamList.files.map((f) => f.id)).toEqual([onTask.id]);
    expect(
      (await listFiles({ ctx: client, input: { projectId: tenant.projectId, taskId: tenant.taskId } })).files,
    ).toEqual([]);
    await setFileVisibility({ ctx: admin, input: { ids: [onTask.id], clientVisible: true } });
    const clientList = await listFiles({
      ctx: client,
      input: { projectId: tenant.projectId, taskId: tenant.taskId },
    });
    expect(clientList.files.map((f) => f.id)).toEqual([onTask.id]);

    // On the visible comment: the client reads it with the comment; on an internal one: never.
    const internalComment = crypto.randomUUID();
    await t.superuser(
      `insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body) values ($1, $2, $3, $4, 'Admin', 'Internal note')`,
      [tenant.id, internalComment, tenant.threadId, tenant.admin.userId],
    );
    const shown = await upload(core, tenant.admin, tenant, {
      name: 'Shown.pdf',
      messageId: tenant.messageId,
    });
    const hidden = await upload(core, tenant.admin, tenant, {
      name: 'Hidden.pdf',
      messageId: internalComment,
    });
    const seen = await taskThread({ ctx: client, input: { taskId: tenant.taskId } });
    expect(seen.comments.flatMap((c) => c.attachments.map((a) => a.id))).toEqual([shown.id]);
    const all = await taskThread({ ctx: admin, input: { taskId: tenant.taskId } });
    expect(all.comments.flatMap((c) => c.attachments.map((a) => a.id)).sort()).toEqual(
      [shown.id, hidden.id].sort(),
    );
    await expectCoreError(fileLink({ ctx: client, input: { id: hidden.id } }), 'not_found');
    expect((await fileLink({ ctx: client, input: { id: shown.id } })).disposition).toBe('attachment');
    // Attachments stay out of the files area's lists.
    const area = await listFiles({ ctx: admin, input: { projectId: tenant.projectId, everywhere: true } });
    expect(area.files.map((f) => f.id)).not.toContain(shown.id);
    // A comment of another project is not a place for this project's files.
    const other = await createTenant(t);
    await expectCoreError(
      uploadAllowance({
        ctx: admin,
        input: { projectId: tenant.projectId, messageId: other.messageId, name: 'x.pdf', size: 1 },
      }),
      'not_found',
    );
  });

  it('a client without files.download reads no shared file, only their own uploads', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const shared = await upload(core, tenant.admin, tenant, { name: 'Shared.pdf' });
    await setFileVisibility({ ctx: admin, input: { ids: [shared.id], clientVisible: true } });
    const mine = await upload(core, tenant.client, tenant, { name: 'Mine.pdf' });
    await t.superuser(
      `update app.users set permissions = '{projects,tasks.view,files.upload}' where id = $1`,
      [tenant.client.userId],
    );
    const area = await listFiles({ ctx: client, input: { projectId: tenant.projectId, everywhere: true } });
    expect(area.files.map((f) => f.id)).toEqual([mine.id]);
    await expectCoreError(fileLink({ ctx: client, input: { id: shared.id } }), 'not_found');
    await expectCoreError(getFile({ ctx: client, input: { id: tenant.fileId } }), 'not_found');
    // Without either files permission, not even their own.
    await t.superuser(`update app.users set permissions = '{projects,tasks.view}' where id = $1`, [
      tenant.client.userId,
    ]);
    await expectCoreError(fileLink({ ctx: client, input: { id: mine.id } }), 'not_found');
  });

  it('a client attaches files to their own comments only', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const own = crypto.randomUUID();
    await withActor(t.handle.db, tenant.client, (tx) =>
      tx.execute(
        sql`insert into app.messages (tenant_id, id, thread_id, author_id, body) values (${tenant.id}, ${own}, ${tenant.threadId}, ${tenant.client.userId}, 'See attached')`,
      ),
    );
    const attached = await upload(core, tenant.client, tenant, { name: 'Photo brief.pdf', messageId: own });
    const mine = await taskThread({ ctx: client, input: { taskId: tenant.taskId } });
    expect(mine.comments.find((c) => c.id === own)?.attachments.map((a) => a.id)).toEqual([attached.id]);
    const team = await taskThread({ ctx: admin, input: { taskId: tenant.taskId } });
    expect(team.comments.find((c) => c.id === own)?.attachments.map((a) => a.id)).toEqual([attached.id]);
    // Onto the team's comment: refused before any byte.
    await expectCoreError(
      uploadAllowance({
        ctx: client,
        input: { projectId: tenant.projectId, messageId: tenant.messageId, name: 'x.pdf', size: 1 },
      }),
      'forbidden',
    );
  });

  it('a direct conversation’s files belong to the thread; a discussion’s join its project’s files', async () => {
    const core = testCore(t);
    const tenant = await createTenant(t);
    const admin = core.as(tenant.admin, siteOf(tenant));
    const client = core.as(tenant.client, siteOf(tenant));
    const direct = crypto.randomUUID();
    const discussion = crypto.randomUUID();
    await t.superuser(
      `insert into app.threads (tenant_id, id, kind, title, created_by, project_id) values
         ($1, $2, 'direct', 'Direct', $4, null), ($1, $3, 'project', 'Kick-off', $4, $5)`,
      [tenant.id, direct, discussion, tenant.admin.userId, tenant.projectId],
    );
    for (const thread of [direct, discussion]) {
      await t.superuser(
        `insert into app.thread_participants (tenant_id, thread_id, user_id, shown_name) values
           ($1, $2, $3, 'Admin'), ($1, $2, $4, 'Client company')`,
        [tenant.id, thread, tenant.admin.userId, tenant.client.userId],
      );
    }
    const clientMessage = crypto.randomUUID();
    const teamMessage = crypto.randomUUID();
    // Written without the messages' triggers (the bell and live events are not this test's
    // subject), in one transaction on the single superuser session.
    await t.superuser('begin');
    await t.superuser('set local session_replication_role = replica');
    await t.superuser(
      `insert into app.messages (tenant_id, id, thread_id, author_id, author_name, body, client_visible) values
         ($1, $2, $3, $4, 'Client company', 'Here it is', true), ($1, $5, $6, $7, 'Admin', 'The brief', true)`,
      [tenant.id, clientMessage, direct, tenant.client.userId, teamMessage, discussion, tenant.admin.userId],
    );
    await t.superuser('commit');
    const withoutProject = { projectId: null };
    // The client's file on their own direct message: no project, read by both sides.
    const theirs = await upload(core, tenant.client, tenant, {
      ...withoutProject,
      name: 'Direct.pdf',
      messageId: clientMessage,
    });
    const [row] = await t.superuser<{ project_id: string | null }>(
      'select project_id from app.files where id = $1',
      [theirs.id],
    );
    expect(row?.project_id).toBeNull();
    // The message's readers hear of the new file live.
    const changed = await t.superuser<{ n: number }>(
      `select count(*)::int as n from app.realtime_events where message_id = $1 and kind = 'message.changed'`,
      [clientMessage],
    );
    expect(changed[0]?.n).toBe(1);
    expect((await fileLink({ ctx: admin, input: { id: theirs.id } })).disposition).toBe('attachment');
    expect((await fileLink({ ctx: client, input: { id: theirs.id } })).disposition).toBe('attachment');
    // Another client of the agency, in no conversation, reads nothing of it.
    const other = await addUser(t, tenant, { role: 'client', clientId: tenant.clientId });
    await expectCoreError(
      fileLink({ ctx: core.as(other.actor, siteOf(tenant)), input: { id: theirs.id } }),
      'not_found',
    );
    // The team's file on a project discussion's message lands in the project's files.
    const team = await upload(core, tenant.admin, tenant, {
      ...withoutProject,
      name: 'Brief.pdf',
      messageId: teamMessage,
    });
    const [placed] = await t.superuser<{ project_id: string | null }>(
      'select project_id::text from app.files where id = $1',
      [team.id],
    );
    expect(placed?.project_id).toBe(tenant.projectId);
    expect((await fileLink({ ctx: client, input: { id: team.id } })).disposition).toBe('attachment');
    // It is listed in the project's files area, for the team and for the client in the discussion.
    for (const ctx of [admin, client]) {
      const area = await listFiles({ ctx, input: { projectId: tenant.projectId, everywhere: true } });
      expect(area.files.find((f) => f.id === team.id)?.discussionId).toBe(discussion);
    }
    // A message named with another project is not there; the client's own rule still holds.
    await expectCoreError(
      uploadAllowance({
        ctx: admin,
        input: { projectId: crypto.randomUUID(), messageId: teamMessage, name: 'x.pdf', size: 1 },
      }),
      'not_found',
    );
    await expectCoreError(
      uploadAllowance({ ctx: client, input: { messageId: teamMessage, name: 'x.pdf', size: 1 } }),
      'forbidden',
    );
    // Neither a project nor a message: nowhere to go.
    await expectCoreError(uploadAllowance({ ctx: admin, input: { name: 'x.pdf', size: 1 } }), 'validation');
  });
});
