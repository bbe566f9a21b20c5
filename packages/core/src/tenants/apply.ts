import { createHash, randomUUID } from 'node:crypto';
import { hashPassword } from '@foyer/auth';
import { type ActingAs, type DatabaseHandle, rowsOf, schema, type Tx, withActor } from '@foyer/db';
import { type ObjectStore, objectKey } from '@foyer/storage';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ClientPermission } from '../clients/permissions';
import { applyDemoActivity } from './activity';
import { ensureBoard } from './board';
import { applyConversations } from './conversations';
import { demoPdf, demoPng } from './demo-files';
import { applyInvoices } from './invoices';
import type { TenantManifest } from './manifest';
import { applyReviews, type ReviewToApply } from './reviews';

const {
  branding,
  clients,
  fileVersions,
  files: filesTable,
  folders,
  messages,
  milestones,
  projectClients,
  projectFeed,
  projectStaff,
  projects,
  taskAssignees,
  tasks,
  threads,
  invoiceSettings,
  taxRates,
  users,
  workSettings,
  securitySettings,
} = schema;

interface Person {
  id: string;
  name: string;
  role: 'admin' | 'staff' | 'client';
  clientId: string | null;
}

type FileEntry = TenantManifest['projects'][number]['files'][number];

interface DeclaredFile extends FileEntry {
  projectId: string;
  projectName: string;
}

/** Where demo files' bytes go, for `applyTenant`. */
export interface DemoFilesTarget {
  store: ObjectStore;
  /**
   * Makes a thumbnail of the object under `sourceKey` and stores it under `targetKey` (as
   * `makeThumbnail` does). The key is recorded only when an object is there afterwards, so a
   * maker that declines (returns null) leaves the file without a thumbnail.
   */
  thumbnail?: (store: ObjectStore, sourceKey: string, targetKey: string) => Promise<unknown>;
}

/** Demo pictures are mood-board sized: big enough to preview, tens of KB. */
const DEMO_PNG_SIZE = { width: 800, height: 600 };

interface DeclaredComment {
  author: string;
  body: string;
  clientVisible: boolean;
  daysAgo: number;
  projectId: string;
  threadId: string;
  taskTitle: string;
}

type FeedRow = typeof projectFeed.$inferInsert;

const DAY_MS = 86_400_000;

export interface LogoFile {
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  data: Uint8Array;
}

export interface ApplyResult {
  slug: string;
  tenantId: string;
  /** false when `onlyMissing` found the tenant already there and left it alone. */
  applied: boolean;
  created: boolean;
}

/** Reads a logo's type from its first bytes, never from the file name. */
export function sniffImage(data: Uint8Array): LogoFile['mime'] | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...data.subarray(8, 12)) === 'WEBP')
    return 'image/webp';
  return null;
}

/** The tenant row of a declaration, made beforehand by `ensureTenant` on the superuser connection. */
export interface EnsuredTenant {
  tenantId: string;
  created: boolean;
}

/**
 * Fills in one declared agency whose tenant row exists (`ensureTenant` from @foyer/db, on the
 * superuser connection: the login role cannot create tenants). Idempotent: applying the same
 * manifest twice leaves the same rows. With `onlyMissing`, an agency that already existed is
 * left exactly as its people have changed it.
 *
 * The projects' declared files are applied only when `options.files` gives a store for their
 * bytes; without it they are left out (the database alone cannot hold them). With it, each file
 * not already in its place (same project, folder and name) is generated, stored under a fresh
 * key and recorded as its uploader's; files already there are left alone, and nothing is stored
 * for them.
 */
export async function applyTenant(
  handle: DatabaseHandle,
  tenant: EnsuredTenant,
  manifest: TenantManifest,
  options: { logo?: LogoFile | null; onlyMissing?: boolean; files?: DemoFilesTarget } = {},
): Promise<ApplyResult> {
  const { tenantId, created } = tenant;
  if (options.onlyMissing && !created) return { slug: manifest.slug, tenantId, applied: false, created };

  // Provisioning acts as the tenant's admin; the admin row itself is upserted below. It runs
  // outside any request (the CLI, seeding), with no context to join, so it opens its own
  // transaction, and nobody acts who could be recorded.
  const actor = { kind: 'admin', tenantId, userId: randomUUID() } as const;
  // Comments are written afterwards in their authors' own names, as the policies require.
  const comments: DeclaredComment[] = [];
  const declaredFiles: DeclaredFile[] = [];
  const reviews: ReviewToApply[] = [];
  const people = new Map<string, Person>();
  const companyOf = new Map<string, string>();
  await withActor(handle.db, actor, async (tx) => {
    const agencyName = manifest.brand.displayName ?? manifest.name;
    await upsertBranding(tx, tenantId, manifest, options.logo ?? null);
    const adminId = await upsertUser(tx, tenantId, {
      ...manifest.admin,
      role: 'admin',
      clientId: null,
      permissions: [],
    });
    const teamIds = new Map<string, { id: string; name: string; role: 'admin' | 'staff' }>([
      [manifest.admin.email.toLowerCase(), { id: adminId, name: manifest.admin.name, role: 'admin' }],
    ]);
    const staffIds = new Map<string, string>();
    for (const person of manifest.staff) {
      const id = await upsertUser(tx, tenantId, {
        ...person,
        role: 'staff',
        clientId: null,
        permissions: [],
      });
      staffIds.set(person.email.toLowerCase(), id);
      teamIds.set(person.email.toLowerCase(), { id, name: person.name, role: 'staff' });
    }
    const companyIds = new Map<string, string>();
    const contactIds = new Map<string, string>();
    const clientOfContact = new Map<string, string>();
    for (const company of manifest.companies) {
      const clientId = await findOrInsert(
        tx
          .select({ id: clients.id })
          .from(clients)
          .where(sql`lower(${clients.name}) = lower(${company.name})`),
        () => tx.insert(clients).values({ tenantId, name: company.name }).returning({ id: clients.id }),
      );
      companyIds.set(company.name, clientId);
      for (const contact of company.contacts) {
        const id = await upsertUser(tx, tenantId, { ...contact, role: 'client', clientId });
        contactIds.set(contact.email.toLowerCase(), id);
        clientOfContact.set(contact.email.toLowerCase(), clientId);
      }
    }
    const board = await ensureBoard(tx, tenantId);
    const feed = (projectId: string, kind: string, daysAgo: number, extra: Partial<FeedRow> = {}) =>
      tx.insert(projectFeed).values({
        tenantId,
        projectId,
        kind,
        actorName: agencyName,
        at: new Date(Date.now() - daysAgo * DAY_MS),
        ...extra,
      });
    for (const [index, project] of manifest.projects.entries()) {
      const clientId = project.company ? (companyIds.get(project.company) ?? null) : null;
      const values = {
        name: project.name,
        description: project.description ?? null,
        status: project.status,
        startDate: project.startDate ?? null,
        deadline: project.deadline ?? null,
      };
      const [existing] = await tx
        .select({ id: projects.id, status: projects.status })
        .from(projects)
        .where(
          and(eq(projects.name, project.name), sql`${projects.clientId} is not distinct from ${clientId}`),
        );
      let projectId: string;
      // A demo's feed reads as weeks of work: created first, people added next, recent changes last.
      const createdDaysAgo = 28 - index;
      if (existing) {
        projectId = existing.id;
        await tx
          .update(projects)
          .set({ ...values, updatedAt: new Date() })
          .where(eq(projects.id, projectId));
        if (existing.status !== project.status)
          await feed(projectId, 'project.status', 0, { data: { from: existing.status, to: project.status } });
      } else {
        const [inserted] = await tx
          .insert(projects)
          .values({ tenantId, clientId, ...values })
          .returning({ id: projects.id });
        if (!inserted) throw new Error('insert returned no row');
        projectId = inserted.id;
        await feed(projectId, 'project.created', createdDaysAgo, { data: { name: project.name } });
        if (project.status !== 'active')
          await feed(projectId, 'project.status', 2 + index / 10, {
            data: { from: 'active', to: project.status },
          });
      }
      for (const email of project.clients) {
        const userId = contactIds.get(email.toLowerCase());
        if (!userId) throw new Error(`${project.name}: no contact ${email}`);
        const added = await tx
          .insert(projectClients)
          .values({ tenantId, projectId, userId })
          .onConflictDoNothing()
          .returning({ userId: projectClients.userId });
        // "You were added to …": shown to that person only.
        if (added.length > 0) await feed(projectId, 'project.assigned', createdDaysAgo - 1, { userId });
      }
      for (const email of project.staff) {
        const userId = staffIds.get(email.toLowerCase());
        if (!userId) throw new Error(`${project.name}: no staff member ${email}`);
        await tx.insert(projectStaff).values({ tenantId, projectId, userId }).onConflictDoNothing();
      }
      const milestoneIds = new Map<string, string>();
      for (const [position, milestone] of project.milestones.entries()) {
        // A milestone declared complete was finished on its target date (today when it has none).
        const finished = milestone.targetDate ? new Date(`${milestone.targetDate}T16:00:00Z`) : new Date();
        const values = {
          name: milestone.name,
          description: milestone.description ?? null,
          targetDate: milestone.targetDate ?? null,
          completedAt: milestone.completed
            ? sql`coalesce(${milestones.completedAt}, ${finished.toISOString()}::timestamptz)`
            : null,
          clientVisible: milestone.clientVisible,
          position,
          updatedAt: new Date(),
        };
        const [found] = await tx
          .select({ id: milestones.id })
          .from(milestones)
          .where(and(eq(milestones.projectId, projectId), eq(milestones.name, milestone.name)));
        if (found) {
          await tx.update(milestones).set(values).where(eq(milestones.id, found.id));
          milestoneIds.set(milestone.name, found.id);
        } else {
          const [inserted] = await tx
            .insert(milestones)
            .values({ tenantId, projectId, ...values, completedAt: milestone.completed ? finished : null })
            .returning({ id: milestones.id });
          if (!inserted) throw new Error('insert returned no row');
          milestoneIds.set(milestone.name, inserted.id);
          if (milestone.clientVisible)
            await feed(projectId, 'milestone.shared', createdDaysAgo - 2, {
              milestoneId: inserted.id,
              data: { name: milestone.name },
            });
        }
      }
      await tx
        .update(projects)
        .set({ tasksVisibleByDefault: project.tasksVisibleByDefault })
        .where(eq(projects.id, projectId));
      // Positions are dense within each board column, in the order the manifest lists the tasks.
      const nextPosition = new Map<string, number>();
      for (const [index, task] of project.tasks.entries()) {
        const statusId = board.get(task.status);
        if (!statusId) throw new Error(`no board column of kind ${task.status}`);
        const position = nextPosition.get(statusId) ?? 0;
        nextPosition.set(statusId, position + 1);
        const values = {
          statusId,
          description: task.description ?? null,
          priority: task.priority,
          dueDate: task.dueDate ?? null,
          milestoneId: task.milestone ? (milestoneIds.get(task.milestone) ?? null) : null,
          clientVisible: task.clientVisible,
          position,
          updatedAt: new Date(),
        };
        const [found] = await tx
          .select({ id: tasks.id })
          .from(tasks)
          .where(and(eq(tasks.projectId, projectId), eq(tasks.title, task.title)));
        let taskId: string;
        if (found) {
          taskId = found.id;
          await tx.update(tasks).set(values).where(eq(tasks.id, taskId));
        } else {
          const [inserted] = await tx
            .insert(tasks)
            .values({ tenantId, projectId, title: task.title, ...values })
            .returning({ id: tasks.id });
          if (!inserted) throw new Error('insert returned no row');
          taskId = inserted.id;
          if (task.clientVisible)
            await feed(projectId, 'task.shared', Math.max(0, createdDaysAgo - 3 - index), {
              taskId,
              data: { title: task.title },
            });
        }
        const [thread] = await tx
          .insert(threads)
          .values({ tenantId, kind: 'task', projectId, taskId })
          .onConflictDoNothing()
          .returning({ id: threads.id });
        const threadId =
          thread?.id ??
          (await tx.select({ id: threads.id }).from(threads).where(eq(threads.taskId, taskId)))[0]?.id;
        if (!threadId) throw new Error(`${task.title}: no thread`);
        for (const email of task.assignees) {
          const person = teamIds.get(email.toLowerCase());
          if (!person) throw new Error(`${task.title}: no team member ${email}`);
          await tx
            .insert(taskAssignees)
            .values({ tenantId, taskId, userId: person.id, name: person.name })
            .onConflictDoNothing();
        }
        for (const comment of task.comments)
          comments.push({ ...comment, projectId, threadId, taskTitle: task.title });
        if (task.review) reviews.push({ taskId, taskTitle: task.title, projectId, review: task.review });
      }
      for (const file of project.files) declaredFiles.push({ ...file, projectId, projectName: project.name });
    }
    await tx
      .insert(workSettings)
      .values({ tenantId, clientsSeeAssignees: manifest.work.clientsSeeAssignees })
      .onConflictDoUpdate({
        target: workSettings.tenantId,
        set: { clientsSeeAssignees: manifest.work.clientsSeeAssignees, updatedAt: new Date() },
      });
    if (manifest.security) {
      await tx
        .insert(securitySettings)
        .values({ tenantId, ...manifest.security })
        .onConflictDoUpdate({
          target: securitySettings.tenantId,
          set: { ...manifest.security, updatedAt: new Date() },
        });
    }
    if (manifest.invoicing) {
      const { taxRates: rates, invoices: declaredInvoices, ...settings } = manifest.invoicing;
      await tx
        .insert(invoiceSettings)
        .values({ tenantId, ...settings })
        .onConflictDoUpdate({
          target: invoiceSettings.tenantId,
          set: { ...settings, updatedAt: new Date() },
        });
      const present = new Set((await tx.select({ name: taxRates.name }).from(taxRates)).map((r) => r.name));
      const missing = rates.filter((rate) => !present.has(rate.name));
      if (missing.length > 0)
        await tx.insert(taxRates).values(missing.map((rate) => ({ tenantId, ...rate })));
      await applyInvoices(tx, tenantId, declaredInvoices, settings.defaultCurrency, {
        companies: companyIds,
        contacts: contactIds,
      });
    }
    const contactNames = new Map(
      manifest.companies.flatMap((c) => c.contacts.map((p) => [p.email.toLowerCase(), p.name] as const)),
    );
    for (const [email, id] of contactIds)
      people.set(email, {
        id,
        name: contactNames.get(email) ?? email,
        role: 'client',
        clientId: clientOfContact.get(email) ?? null,
      });
    for (const [email, person] of teamIds)
      people.set(email, { id: person.id, name: person.name, role: person.role, clientId: null });
    for (const company of manifest.companies)
      for (const contact of company.contacts) companyOf.set(contact.email.toLowerCase(), company.name);
  });
  await applyComments(
    handle,
    tenantId,
    manifest.brand.displayName ?? manifest.name,
    comments,
    people,
    companyOf,
  );
  await applyConversations(handle, tenantId, manifest.conversations, people, companyOf);
  if (options.files)
    await applyFiles(handle, tenantId, declaredFiles, people, companyOf, options.files, [
      manifest.brand.primaryColor,
      manifest.brand.accentColor,
    ]);
  // Review trails name files by their name in the project, so they follow the files.
  if (options.files) await applyReviews(handle, tenantId, reviews, people);
  // A new demo agency's reviewing clients come with a fortnight of past visits (the Activity page).
  if (created) {
    for (const contact of manifest.companies.flatMap((company) => company.contacts)) {
      const person = people.get(contact.email.toLowerCase());
      if (!person?.clientId || !contact.permissions.includes('review')) continue;
      await applyDemoActivity(handle, tenantId, {
        id: person.id,
        email: contact.email,
        clientId: person.clientId,
      });
    }
  }
  return { slug: manifest.slug, tenantId, applied: true, created };
}

/**
 * Writes the declared comments that are not there yet, each in its author's name (a client's
 * through the columns the client role may write, so the team hears of it as it would), then,
 * as the team, dates them as declared and shares the clients' comments marked client-visible
 * under their company's name.
 */
async function applyComments(
  handle: DatabaseHandle,
  tenantId: string,
  agencyName: string,
  comments: DeclaredComment[],
  people: Map<string, Person>,
  companyOf: Map<string, string>,
) {
  const written: { id: string; comment: DeclaredComment; fromClient: boolean }[] = [];
  for (const comment of comments) {
    const email = comment.author.toLowerCase();
    const author = people.get(email);
    if (!author) throw new Error(`${comment.taskTitle}: no person ${comment.author}`);
    const as: ActingAs =
      author.role === 'client'
        ? { kind: 'client', tenantId, userId: author.id, clientId: author.clientId ?? '' }
        : { kind: author.role, tenantId, userId: author.id };
    const id = await withActor(handle.db, as, async (tx): Promise<string | null> => {
      const [found] = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(
          and(
            eq(messages.threadId, comment.threadId),
            eq(messages.authorId, author.id),
            eq(messages.body, comment.body),
          ),
        );
      if (found) return null;
      const rows = await tx.execute(
        author.role === 'client'
          ? sql`insert into app.messages (tenant_id, thread_id, author_id, body) values (${tenantId}, ${comment.threadId}, ${author.id}, ${comment.body}) returning id`
          : sql`insert into app.messages (tenant_id, thread_id, author_id, author_name, body, client_visible)
                  select ${tenantId}, ${comment.threadId}, ${author.id}, u.name, ${comment.body}, ${comment.clientVisible}
                  from app.users u where u.id = ${author.id} returning id`,
      );
      return rowsOf<{ id: string }>(rows)[0]?.id ?? null;
    });
    if (id) written.push({ id, comment, fromClient: author.role === 'client' });
  }
  if (written.length === 0) return;
  const actor = { kind: 'admin', tenantId, userId: randomUUID() } as const;
  await withActor(handle.db, actor, async (tx) => {
    for (const { id, comment, fromClient } of written) {
      const at = new Date(Date.now() - comment.daysAgo * DAY_MS);
      const shared = fromClient && comment.clientVisible;
      await tx
        .update(messages)
        .set({
          createdAt: at,
          ...(shared
            ? { clientVisible: true, authorName: companyOf.get(comment.author.toLowerCase()) ?? null }
            : {}),
        })
        .where(eq(messages.id, id));
      if (comment.clientVisible)
        await tx.insert(projectFeed).values({
          tenantId,
          projectId: comment.projectId,
          kind: 'comment.shared',
          actorName: agencyName,
          messageId: id,
          at,
          data: { title: comment.taskTitle },
        });
    }
  });
}

/** The person's actor, as they would act signed in. */
function actingAs(tenantId: string, person: Person): ActingAs {
  return person.role === 'client'
    ? { kind: 'client', tenantId, userId: person.id, clientId: person.clientId ?? '' }
    : { kind: person.role, tenantId, userId: person.id };
}

/**
 * Adds the declared files that are not in their place yet. As the team it finds or makes the
 * folders and looks for each file; for each missing one it generates the bytes, stores them (and
 * a PNG's thumbnail) under fresh keys, and records the file and its first version as the uploader
 * would (a client through the columns the client role may write, at the top of the project).
 * Then, as the team, it dates the clients' files as declared and shares those marked visible
 * under the company's name. Demo shares are not announced: the portal opens with them in place.
 */
async function applyFiles(
  handle: DatabaseHandle,
  tenantId: string,
  declared: DeclaredFile[],
  people: Map<string, Person>,
  companyOf: Map<string, string>,
  target: DemoFilesTarget,
  brandColours: string[],
) {
  if (declared.length === 0) return;
  const team = { kind: 'admin', tenantId, userId: randomUUID() } as const;
  const missing = await withActor(handle.db, team, async (tx) => {
    const found: { file: DeclaredFile; uploader: Person; folderId: string | null; folderPath: string[] }[] =
      [];
    for (const file of declared) {
      const uploader = people.get(file.by.toLowerCase());
      if (!uploader) throw new Error(`${file.name}: no person ${file.by}`);
      const folder = file.folder
        ? await ensureFolders(tx, tenantId, file.projectId, file.folder.split('/'), uploader.id)
        : null;
      const [present] = await tx
        .select({ id: filesTable.id })
        .from(filesTable)
        .where(
          and(
            eq(filesTable.projectId, file.projectId),
            folder ? eq(filesTable.folderId, folder.id) : isNull(filesTable.folderId),
            isNull(filesTable.messageId),
            eq(filesTable.name, file.name),
          ),
        );
      if (!present)
        found.push({
          file,
          uploader,
          folderId: folder?.id ?? null,
          folderPath: folder ? [...folder.path, folder.id] : [],
        });
    }
    return found;
  });

  const fromClients: { id: string; file: DeclaredFile }[] = [];
  for (const { file, uploader, folderId, folderPath } of missing) {
    const isPng = file.kind === 'png';
    const contentType = isPng ? 'image/png' : 'application/pdf';
    const bytes = isPng
      ? await demoPng({
          ...DEMO_PNG_SIZE,
          colours: file.colours ?? brandColours,
          seed: `${file.projectName}/${file.folder ?? ''}/${file.name}`,
        })
      : demoPdf(file.title ?? file.name.replace(/\.[^.]+$/, ''), file.lines);
    const key = objectKey(tenantId, randomUUID());
    await target.store.put(key, bytes, { contentType, contentLength: bytes.length });
    let thumbnailKey: string | null = null;
    if (isPng && target.thumbnail) {
      const candidate = objectKey(tenantId, randomUUID());
      await target.thumbnail(target.store, key, candidate);
      if (await target.store.head(candidate)) thumbnailKey = candidate;
    }
    const facts = {
      name: file.name,
      contentType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      objectKey: key,
      thumbnailKey,
    };
    const at = new Date(Date.now() - file.daysAgo * DAY_MS);
    const fileId = randomUUID();
    await withActor(handle.db, actingAs(tenantId, uploader), async (tx) => {
      if (uploader.role === 'client') {
        await tx.execute(
          sql`insert into app.files (tenant_id, id, project_id, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by)
              values (${tenantId}::uuid, ${fileId}::uuid, ${file.projectId}::uuid, ${facts.name}, ${facts.contentType},
                ${facts.size}, ${facts.sha256}, ${facts.objectKey}, ${facts.thumbnailKey}, ${uploader.id}::uuid)`,
        );
        await tx.execute(
          sql`insert into app.file_versions (tenant_id, id, file_id, version, name, content_type, size, sha256, object_key, thumbnail_key, uploaded_by)
              values (${tenantId}::uuid, ${randomUUID()}::uuid, ${fileId}::uuid, 1, ${facts.name}, ${facts.contentType},
                ${facts.size}, ${facts.sha256}, ${facts.objectKey}, ${facts.thumbnailKey}, ${uploader.id}::uuid)`,
        );
        return;
      }
      await tx.insert(filesTable).values({
        tenantId,
        id: fileId,
        projectId: file.projectId,
        folderId,
        folderPath,
        ...facts,
        clientVisible: file.clientVisible,
        sharedAt: file.clientVisible ? at : null,
        sharePending: false,
        uploadedBy: uploader.id,
        uploaderName: uploader.name,
        createdAt: at,
        updatedAt: at,
      });
      await tx
        .insert(fileVersions)
        .values({ tenantId, fileId, version: 1, ...facts, uploadedBy: uploader.id, createdAt: at });
    });
    if (uploader.role === 'client') fromClients.push({ id: fileId, file });
  }
  if (fromClients.length === 0) return;
  await withActor(handle.db, team, async (tx) => {
    for (const { id, file } of fromClients) {
      const at = new Date(Date.now() - file.daysAgo * DAY_MS);
      await tx
        .update(filesTable)
        .set({
          createdAt: at,
          updatedAt: at,
          ...(file.clientVisible
            ? {
                clientVisible: true,
                sharedAt: at,
                sharePending: false,
                uploaderName: companyOf.get(file.by.toLowerCase()) ?? null,
              }
            : {}),
        })
        .where(eq(filesTable.id, id));
      await tx.update(fileVersions).set({ createdAt: at }).where(eq(fileVersions.fileId, id));
    }
  });
}

/**
 * The folder at `names` below the top of the project, each level found by name (as the unique
 * index compares them, case aside) or made with its path of ancestors.
 */
async function ensureFolders(
  tx: Tx,
  tenantId: string,
  projectId: string,
  names: string[],
  createdBy: string | null,
): Promise<{ id: string; path: string[] }> {
  let parent: { id: string; path: string[] } | null = null;
  for (const name of names) {
    const parentId: string | null = parent?.id ?? null;
    const path: string[] = parent ? [...parent.path, parent.id] : [];
    const id = await findOrInsert(
      tx
        .select({ id: folders.id })
        .from(folders)
        .where(
          and(
            eq(folders.projectId, projectId),
            parentId ? eq(folders.parentId, parentId) : isNull(folders.parentId),
            sql`lower(${folders.name}) = lower(${name})`,
          ),
        ),
      () =>
        tx
          .insert(folders)
          .values({ tenantId, projectId, parentId, path, name, createdBy })
          .returning({ id: folders.id }),
    );
    parent = { id, path };
  }
  if (!parent) throw new Error('a folder path names no folder');
  return parent;
}

async function findOrInsert(
  find: Promise<{ id: string }[]>,
  insert: () => Promise<{ id: string }[]>,
): Promise<string> {
  const [found] = await find;
  if (found) return found.id;
  const [inserted] = await insert();
  if (!inserted) throw new Error('insert returned no row');
  return inserted.id;
}

async function upsertBranding(tx: Tx, tenantId: string, manifest: TenantManifest, logo: LogoFile | null) {
  const values = {
    displayName: manifest.brand.displayName ?? manifest.name,
    primaryColor: manifest.brand.primaryColor,
    accentColor: manifest.brand.accentColor,
    theme: manifest.brand.theme,
    welcomeText: manifest.brand.welcomeText ?? null,
    contactEmail: manifest.contact.email ?? null,
    contactPhone: manifest.contact.phone ?? null,
    website: manifest.contact.website ?? null,
    address: manifest.contact.address ?? null,
    logoMime: logo?.mime ?? null,
    logoData: logo?.data ?? null,
    logoSha256: logo ? createHash('sha256').update(logo.data).digest('hex') : null,
    updatedAt: new Date(),
  };
  await tx
    .insert(branding)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: branding.tenantId, set: values });
}

/**
 * Creates or updates a declared person. The declared password is set only while the account
 * has none, so a password its owner changed is never put back.
 */
async function upsertUser(
  tx: Tx,
  tenantId: string,
  person: {
    name: string;
    email: string;
    password: string;
    role: 'admin' | 'staff' | 'client';
    clientId: string | null;
    /** A client's permissions, as declared; empty for the team. */
    permissions: readonly ClientPermission[];
  },
): Promise<string> {
  const [existing] = await tx
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${person.email})`);
  const passwordHash = existing?.passwordHash ?? (await hashPassword(person.password));
  // The operator wrote these addresses into the manifest: they count as verified, so a demo
  // workspace may send its invitations (unverified workspaces may not; see mail/policy.ts).
  const emailVerifiedAt = sql`coalesce(${users.emailVerifiedAt}, now())`;
  const permissions = person.role === 'client' ? [...person.permissions] : [];
  if (existing) {
    await tx
      .update(users)
      .set({
        name: person.name,
        role: person.role,
        clientId: person.clientId,
        passwordHash,
        emailVerifiedAt,
        permissions,
      })
      .where(eq(users.id, existing.id));
    return existing.id;
  }
  const [inserted] = await tx
    .insert(users)
    .values({
      tenantId,
      email: person.email,
      name: person.name,
      role: person.role,
      clientId: person.clientId,
      passwordHash,
      emailVerifiedAt: new Date(),
      permissions,
    })
    .returning({ id: users.id });
  if (!inserted) throw new Error('insert returned no row');
  return inserted.id;
}
