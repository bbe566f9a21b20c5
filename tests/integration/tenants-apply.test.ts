import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyTenant,
  loadTenantDeclarations,
  makeThumbnail,
  type TenantDeclaration,
  type TenantManifest,
  tenantManifest,
} from '@foyer/core';
import { type ActingAs, ensureTenant, eq, rowsOf, schema, sql, system, withActor } from '@foyer/db';
import { LocalObjectStore, tenantPrefix } from '@foyer/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { required } from '../support/assert';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';

const tenantsDir = fileURLToPath(new URL('../../tenants', import.meta.url));

/** The repo's demo agency under a fresh slug, so this test depends on no other. */
function freshCopy(declaration: TenantDeclaration): TenantDeclaration {
  const slug = `demo-${randomBytes(5).toString('hex')}`;
  return { ...declaration, manifest: { ...declaration.manifest, slug } };
}

describe('the demo agencies in tenants/', () => {
  it('are valid declarations with logos', async () => {
    const declarations = await loadTenantDeclarations(tenantsDir);
    expect(declarations.map((d) => d.manifest.slug)).toEqual(['bluefin', 'northwind']);
    for (const d of declarations) expect(d.logo?.mime).toBe('image/png');
  });
});

describe('a tenant manifest', () => {
  it('refuses a project naming a company, contact, staff member, milestone or comment author it does not declare', async () => {
    const [first] = await loadTenantDeclarations(tenantsDir);
    const manifest = required(first, 'a demo agency').manifest;
    const project = required(manifest.projects[0], 'a project');
    const broken = {
      ...manifest,
      conversations: [],
      projects: [
        {
          ...project,
          company: 'Nobody Ltd',
          clients: ['stranger@example.test'],
          staff: ['ghost@example.test'],
          startDate: '2026-05-02',
          deadline: '2026-05-01',
          milestones: [],
          files: [],
          tasks: [
            {
              title: 'Broken',
              milestone: 'Nowhere',
              assignees: ['nobody@example.test'],
              comments: [{ author: 'nobody@example.test', body: 'Hello' }],
            },
          ],
        },
      ],
    };
    const parsed = tenantManifest.safeParse(broken);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'projects.0.clients.0',
      'projects.0.company',
      'projects.0.deadline',
      'projects.0.staff.0',
      'projects.0.tasks.0.assignees.0',
      'projects.0.tasks.0.comments.0.author',
      'projects.0.tasks.0.milestone',
    ]);
    expect(tenantManifest.safeParse(manifest).success).toBe(true);
  });

  it('refuses conversations with clients in internal chats, strangers, or a direct message to two clients', async () => {
    const declarations = await loadTenantDeclarations(tenantsDir);
    const manifest = required(
      declarations.find((d) => d.manifest.slug === 'northwind'),
      'the northwind demo',
    ).manifest;
    const broken = {
      ...manifest,
      conversations: [
        {
          kind: 'internal',
          title: 'Leak',
          by: 'alex@acme-bakery.example',
          people: ['alex@acme-bakery.example'],
        },
        {
          kind: 'direct',
          title: 'Two',
          by: 'nora@northwind.example',
          people: ['alex@acme-bakery.example', 'morgan@riverside-dental.example'],
        },
        {
          kind: 'project',
          title: 'Off project',
          project: 'Website redesign',
          by: 'nora@northwind.example',
          people: ['morgan@riverside-dental.example'],
          messages: [{ author: 'stranger@example.test', body: 'Hi' }],
        },
      ],
    };
    const parsed = tenantManifest.safeParse(broken);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'conversations.0.by',
      'conversations.0.people.0',
      'conversations.1.people',
      'conversations.2.messages.0.author',
      'conversations.2.people.0',
    ]);
  });

  it('refuses files by strangers, clients filing into folders or without upload rights, bad names and twins', async () => {
    const declarations = await loadTenantDeclarations(tenantsDir);
    const manifest = required(
      declarations.find((d) => d.manifest.slug === 'northwind'),
      'northwind',
    ).manifest;
    const project = required(
      manifest.projects.find((p) => p.name === 'Website redesign'),
      'the website project',
    );
    const file = { kind: 'pdf', by: 'nora@northwind.example', clientVisible: false, daysAgo: 1 };
    const broken = {
      ...manifest,
      projects: [
        {
          ...project,
          files: [
            { ...file, name: 'Fine.pdf', folder: 'Brand/Logos' },
            { ...file, name: 'Stranger.pdf', by: 'nobody@example.test' },
            { ...file, name: 'Filed.pdf', by: 'alex@acme-bakery.example', folder: 'Brand' },
            { ...file, name: 'No rights.pdf', by: 'priya@acme-bakery.example' },
            { ...file, name: 'a/b.pdf' },
            { ...file, name: 'Fine.pdf', folder: 'brand/logos' },
            { ...file, name: 'Deep.pdf', folder: 'Brand//Logos' },
          ],
        },
      ],
    };
    const parsed = tenantManifest.safeParse(broken);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'projects.0.files.1.by',
      'projects.0.files.2.folder',
      'projects.0.files.3.by',
      'projects.0.files.4.name',
      'projects.0.files.5.name',
      'projects.0.files.6.folder',
    ]);
  });
});

describe.each(drivers)('tenants apply on %s', (driver) => {
  let t: TestDatabase;
  let declaration: TenantDeclaration;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    const [first] = await loadTenantDeclarations(tenantsDir);
    if (!first) throw new Error('no demo agencies');
    declaration = freshCopy(first);
  });
  afterAll(() => t.close());

  /** As `foyer tenants apply` does: the tenant row on the superuser connection, the rest as foyer_login. */
  const apply = async (manifest: TenantDeclaration['manifest'], options: Parameters<typeof applyTenant>[3]) =>
    applyTenant(
      t.handle,
      await ensureTenant({ query: t.superuser }, { slug: manifest.slug, name: manifest.name }),
      manifest,
      options,
    );

  const counts = async (tenantId: string) => {
    const [row] = await t.superuser<Record<string, number>>(
      `select
         (select count(*)::int from app.users where tenant_id = $1) as users,
         (select count(*)::int from app.clients where tenant_id = $1) as clients,
         (select count(*)::int from app.projects where tenant_id = $1) as projects,
         (select count(*)::int from app.project_clients where tenant_id = $1) as "projectClients",
         (select count(*)::int from app.project_staff where tenant_id = $1) as "projectStaff",
         (select count(*)::int from app.project_feed where tenant_id = $1) as feed,
         (select count(*)::int from app.task_statuses where tenant_id = $1) as columns,
         (select count(*)::int from app.tasks where tenant_id = $1) as tasks,
         (select count(*)::int from app.threads where tenant_id = $1) as threads,
         (select count(*)::int from app.milestones where tenant_id = $1) as milestones,
         (select count(*)::int from app.task_assignees where tenant_id = $1) as assignees,
         (select count(*)::int from app.messages where tenant_id = $1) as comments,
         (select count(*)::int from app.work_settings where tenant_id = $1) as settings,
         (select count(*)::int from app.branding where tenant_id = $1) as branding,
         (select count(*)::int from app.invoice_settings where tenant_id = $1) as invoicing,
         (select count(*)::int from app.tax_rates where tenant_id = $1) as tax_rates,
         (select count(*)::int from app.invoices where tenant_id = $1) as invoices`,
      [tenantId],
    );
    return row;
  };

  /** What the declaration says there should be. */
  const declared = (manifest: TenantManifest) => {
    const { companies, projects, staff } = manifest;
    const assignments = projects.reduce((n, p) => n + p.clients.length, 0);
    const tasks = projects.flatMap((p) => p.tasks);
    const comments = tasks.flatMap((task) => task.comments);
    const visible = <T extends { clientVisible: boolean }>(items: T[]) =>
      items.filter((item) => item.clientVisible).length;
    return {
      users: 1 + staff.length + companies.reduce((n, c) => n + c.contacts.length, 0),
      clients: companies.length,
      projects: projects.length,
      projectClients: assignments,
      projectStaff: projects.reduce((n, p) => n + p.staff.length, 0),
      // Created, one per client assigned, one status change for each project not active, and
      // one per client-visible milestone, task and comment.
      feed:
        projects.length +
        assignments +
        projects.filter((p) => p.status !== 'active').length +
        visible(projects.flatMap((p) => p.milestones)) +
        visible(tasks) +
        visible(comments),
      columns: 4,
      tasks: tasks.length,
      // A task thread per task, and the declared conversations.
      threads: tasks.length + manifest.conversations.length,
      milestones: projects.reduce((n, p) => n + p.milestones.length, 0),
      assignees: tasks.reduce((n, task) => n + task.assignees.length, 0),
      comments: comments.length + manifest.conversations.reduce((n, c) => n + c.messages.length, 0),
      settings: 1,
      branding: 1,
      invoicing: manifest.invoicing ? 1 : 0,
      tax_rates: manifest.invoicing?.taxRates.length ?? 0,
      invoices: manifest.invoicing?.invoices.length ?? 0,
    };
  };

  it('creates the agency with its brand, people, companies, projects, assignments, feed and tasks, and is idempotent', async () => {
    const { manifest, logo } = declaration;
    const first = await apply(manifest, { logo });
    expect(first).toMatchObject({ slug: manifest.slug, created: true, applied: true });
    const expected = declared(manifest);
    expect(await counts(first.tenantId)).toEqual(expected);

    const again = await apply(manifest, { logo });
    expect(again).toMatchObject({ tenantId: first.tenantId, created: false, applied: true });
    expect(await counts(first.tenantId)).toEqual(expected);

    const found = await system.tenants.forHost(t.handle, { slug: manifest.slug });
    expect(found?.branding).toMatchObject({
      displayName: manifest.name,
      primaryColor: manifest.brand.primaryColor,
      theme: manifest.brand.theme,
    });
    expect(found?.branding?.logoSha256).toMatch(/^[0-9a-f]{64}$/);

    // Invoicing as declared: its numbering and currency, and each tax rate once.
    expect(manifest.invoicing?.taxRates.length).toBeGreaterThan(0);
    const [invoicing] = await t.superuser<{ number_prefix: string; default_currency: string }>(
      'select number_prefix, default_currency from app.invoice_settings where tenant_id = $1',
      [first.tenantId],
    );
    expect(invoicing).toEqual({
      number_prefix: manifest.invoicing?.numberPrefix,
      default_currency: manifest.invoicing?.defaultCurrency,
    });
  });

  it('turns on Google sign-in when the manifest says so, and leaves the choice alone when it is silent', async () => {
    const { manifest, logo } = freshCopy(declaration);
    const security = (tenantId: string) =>
      t.superuser<{ google_sign_in: boolean; google_registration: boolean }>(
        'select google_sign_in, google_registration from app.security_settings where tenant_id = $1',
        [tenantId],
      );
    const silent = { ...manifest, security: undefined };
    const { tenantId } = await apply(silent, { logo });
    expect(await security(tenantId)).toEqual([]);
    await apply({ ...manifest, security: { googleSignIn: true, googleRegistration: false } }, { logo });
    expect(await security(tenantId)).toEqual([{ google_sign_in: true, google_registration: false }]);
    await apply(silent, { logo });
    expect(await security(tenantId)).toEqual([{ google_sign_in: true, google_registration: false }]);
    expect(await system.google.state(t.handle, tenantId)).toEqual({ signIn: true, registration: false });
  });

  it('leaves an existing agency alone when asked for missing ones only', async () => {
    const { manifest, logo } = freshCopy(declaration);
    const { tenantId } = await apply(manifest, { logo });
    await t.superuser(`update app.branding set primary_color = '#000000' where tenant_id = $1`, [tenantId]);

    const skipped = await apply(manifest, { logo, onlyMissing: true });
    expect(skipped).toMatchObject({ applied: false, created: false });
    const [row] = await t.superuser<{ primary_color: string }>(
      'select primary_color from app.branding where tenant_id = $1',
      [tenantId],
    );
    expect(row?.primary_color).toBe('#000000');
  });

  it('stores the declared passwords as argon2id hashes only', async () => {
    const rows = await t.superuser<{ password_hash: string | null }>(
      'select password_hash from app.users u join platform.tenants t on t.id = u.tenant_id where t.slug = $1',
      [declaration.manifest.slug],
    );
    const { manifest } = declaration;
    const people = [manifest.admin, ...manifest.staff, ...manifest.companies.flatMap((c) => c.contacts)];
    expect(rows.length).toBe(people.length);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      for (const person of people) expect(row.password_hash).not.toBe(person.password);
    }
  });
});

describe.each(drivers)('the demo agencies as their people see them, on %s', (driver) => {
  let t: TestDatabase;
  let declarations: TenantDeclaration[];
  /** Per demo slug: its fresh copy's tenant id. */
  const tenantIds = new Map<string, string>();
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    declarations = (await loadTenantDeclarations(tenantsDir)).map(freshCopy);
    for (const { manifest, logo } of declarations) {
      const tenant = await ensureTenant({ query: t.superuser }, { slug: manifest.slug, name: manifest.name });
      await applyTenant(t.handle, tenant, manifest, { logo });
      tenantIds.set(manifest.slug, tenant.tenantId);
    }
  });
  afterAll(() => t.close());

  /** The person with this email, as the actor they sign in as. */
  async function actorFor(manifest: TenantManifest, email: string): Promise<ActingAs> {
    const tenantId = required(tenantIds.get(manifest.slug), manifest.slug);
    const [row] = await t.superuser<{
      id: string;
      role: 'admin' | 'staff' | 'client';
      client_id: string | null;
    }>(
      'select id::text, role, client_id::text from app.users where tenant_id = $1 and lower(email) = lower($2)',
      [tenantId, email],
    );
    const person = required(row, email);
    return person.role === 'client'
      ? { kind: 'client', tenantId, userId: person.id, clientId: required(person.client_id, 'a company') }
      : { kind: person.role, tenantId, userId: person.id };
  }

  const projectsOf = (actor: ActingAs) =>
    withActor(t.handle.db, actor, async (tx) =>
      (await tx.select({ name: schema.projects.name }).from(schema.projects)).map((p) => p.name).sort(),
    );

  it('has every project status, two companies (one with two contacts of different permissions) and a staff login', () => {
    for (const { manifest } of declarations) {
      expect(new Set(manifest.projects.map((p) => p.status))).toEqual(
        new Set(['active', 'on_hold', 'completed', 'archived']),
      );
      expect(manifest.companies.map((c) => c.contacts.length).sort()).toEqual([1, 2]);
      const pair = required(
        manifest.companies.find((c) => c.contacts.length === 2),
        'a company with two contacts',
      );
      const [first, second] = pair.contacts;
      expect(first?.permissions).not.toEqual(second?.permissions);
      expect(manifest.staff.length).toBeGreaterThan(0);
    }
  });

  it('shows each client exactly the non-archived projects they are assigned to', async () => {
    for (const { manifest } of declarations) {
      for (const company of manifest.companies) {
        for (const contact of company.contacts) {
          const expected = manifest.projects
            .filter((p) => p.clients.includes(contact.email) && p.status !== 'archived')
            .map((p) => p.name)
            .sort();
          const seen = await projectsOf(await actorFor(manifest, contact.email));
          expect(seen, `${contact.email}'s projects`).toEqual(
            contact.permissions.includes('projects') ? expected : [],
          );
          expect(seen.length, `${contact.email} sees something`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('keeps Alex on the Website redesign with its client-visible tasks', async () => {
    const northwind = required(
      declarations.find((d) => d.manifest.name === 'Northwind Studio'),
      'northwind',
    ).manifest;
    const alex = await actorFor(northwind, 'alex@acme-bakery.example');
    expect(await projectsOf(alex)).toContain('Website redesign');
    const titles = await withActor(t.handle.db, alex, async (tx) =>
      (
        await tx
          .select({ title: schema.tasks.title })
          .from(schema.tasks)
          .innerJoin(schema.projects, eq(schema.projects.id, schema.tasks.projectId))
          .where(eq(schema.projects.name, 'Website redesign'))
      ).map((r) => r.title),
    );
    expect(titles.sort()).toEqual(
      northwind.projects
        .find((p) => p.name === 'Website redesign')
        ?.tasks.filter((task) => task.clientVisible)
        .map((task) => task.title)
        .sort(),
    );
  });

  it('gives each agency invoices in every state, numbered in order, a retainer, and its demo client an overdue one', async () => {
    for (const { manifest } of declarations) {
      const tenantId = required(tenantIds.get(manifest.slug), manifest.slug);
      const found = await t.superuser<{ number: string | null; status: string; total: number; paid: number }>(
        `select number, app.invoice_status(issued_at is not null, voided_at is not null, due_date, viewed_at is not null,
                  total_minor, paid_minor, refunded_minor, (now() at time zone 'utc')::date) as status,
                total_minor::float8 as total, paid_minor::float8 as paid
           from app.invoices where tenant_id = $1 order by number nulls last`,
        [tenantId],
      );
      expect(new Set(found.map((row) => row.status))).toEqual(
        new Set(manifest.invoicing?.invoices.map((invoice) => invoice.state)),
      );
      const numbers = found.flatMap((row) => (row.number ? [row.number] : []));
      expect(numbers).toEqual(
        numbers.map((_, i) => `${manifest.invoicing?.numberPrefix}${String(i + 1).padStart(4, '0')}`),
      );
      // One retainer, whose next copy is still to come.
      const [retainers] = await t.superuser<{ n: number }>(
        `select count(*)::int as n from app.invoices where tenant_id = $1 and repeat_next > (now() at time zone 'utc')::date`,
        [tenantId],
      );
      expect(retainers?.n).toBe(1);
      // Paid means paid in full: the declared payment matches the computed total.
      for (const row of found.filter((r) => r.status === 'paid')) expect(row.paid).toBe(row.total);
    }
    const northwind = required(
      declarations.find((d) => d.manifest.name === 'Northwind Studio'),
      'northwind',
    ).manifest;
    const alex = await actorFor(northwind, 'alex@acme-bakery.example');
    const theirs = await withActor(t.handle.db, alex, async (tx) =>
      rowsOf<{ status: string }>(
        await tx.execute(
          sql`select app.invoice_status(issued_at is not null, voided_at is not null, due_date, viewed_at is not null,
                total_minor, paid_minor, refunded_minor, (now() at time zone 'utc')::date) as status from app.invoices`,
        ),
      ),
    );
    expect(theirs.map((row) => row.status)).toContain('overdue');
    expect(theirs.map((row) => row.status)).not.toContain('draft');
  });

  it('shows staff only the projects they are assigned to, and the feed addressed to a client to them alone', async () => {
    for (const { manifest } of declarations) {
      for (const person of manifest.staff) {
        const expected = manifest.projects.filter((p) => p.staff.includes(person.email)).map((p) => p.name);
        expect(await projectsOf(await actorFor(manifest, person.email))).toEqual(expected.sort());
      }
      const [first, second] = required(
        manifest.companies.find((c) => c.contacts.length === 2),
        'a company with two contacts',
      ).contacts;
      const feedOf = async (email: string) =>
        withActor(t.handle.db, await actorFor(manifest, email), (tx) =>
          tx
            .select({ kind: schema.projectFeed.kind, userId: schema.projectFeed.userId })
            .from(schema.projectFeed),
        );
      const one = await actorFor(manifest, required(first, 'a contact').email);
      const own = await feedOf(required(first, 'a contact').email);
      expect(own.some((e) => e.kind === 'project.assigned')).toBe(true);
      expect(own.every((e) => e.userId === null || e.userId === ('userId' in one ? one.userId : null))).toBe(
        true,
      );
      const other = await feedOf(required(second, 'a contact').email);
      expect(other.every((e) => e.userId !== ('userId' in one ? one.userId : null))).toBe(true);
    }
  });
});

describe.each(drivers)('the demo agencies’ files, on %s', (driver) => {
  let t: TestDatabase;
  let store: LocalObjectStore;
  let manifest: TenantManifest;
  let tenantId: string;
  const root = join(tmpdir(), `foyer-demo-files-${randomBytes(6).toString('hex')}`);
  const apply = async () =>
    applyTenant(
      t.handle,
      await ensureTenant({ query: t.superuser }, { slug: manifest.slug, name: manifest.name }),
      manifest,
      { files: { store, thumbnail: makeThumbnail } },
    );
  const objectCount = async () => {
    let n = 0;
    for await (const _ of store.list(tenantPrefix(tenantId))) n += 1;
    return n;
  };
  type FileRow = {
    id: string;
    project: string;
    name: string;
    content_type: string;
    size: number;
    sha256: string;
    object_key: string;
    thumbnail_key: string | null;
    client_visible: boolean;
    share_pending: boolean;
    uploader_name: string | null;
    uploader: string;
    folder_path: string[];
    days_ago: number;
  };
  const fileRows = () =>
    t.superuser<FileRow>(
      `select f.id::text, p.name as project, f.name, f.content_type, f.size::int as size, f.sha256, f.object_key,
              f.thumbnail_key, f.client_visible, f.share_pending, f.uploader_name, u.email as uploader,
              f.folder_path::text[] as folder_path,
              round(extract(epoch from now() - f.created_at) / 86400)::int as days_ago
         from app.files f join app.projects p on p.id = f.project_id join app.users u on u.id = f.uploaded_by
        where f.tenant_id = $1 order by p.name, f.name`,
      [tenantId],
    );
  const declaredFiles = () =>
    manifest.projects.flatMap((p) => p.files.map((file) => ({ ...file, project: p.name })));

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    store = new LocalObjectStore({ root, secret: randomBytes(32) });
    const northwind = required(
      (await loadTenantDeclarations(tenantsDir)).find((d) => d.manifest.slug === 'northwind'),
      'northwind',
    );
    manifest = freshCopy(northwind).manifest;
    tenantId = (await apply()).tenantId;
  });
  afterAll(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stores every declared file, as declared, with its first version and the right hash', async () => {
    const declared = declaredFiles();
    expect(declared.length).toBeGreaterThanOrEqual(8);
    const rows = await fileRows();
    expect(rows.map((r) => `${r.project}/${r.name}`).sort()).toEqual(
      declared.map((f) => `${f.project}/${f.name}`).sort(),
    );
    for (const row of rows) {
      const file = required(
        declared.find((f) => f.project === row.project && f.name === row.name),
        row.name,
      );
      expect(row.uploader).toBe(file.by);
      expect(row.days_ago).toBe(Math.round(file.daysAgo));
      expect(row.content_type).toBe(file.kind === 'pdf' ? 'application/pdf' : 'image/png');
      expect(row.share_pending).toBe(false);
      expect(await store.head(row.object_key)).toEqual({ size: row.size, contentType: row.content_type });
      const object = required(await store.get(row.object_key), row.object_key);
      const hash = createHash('sha256');
      for await (const chunk of object.body) hash.update(chunk as Buffer);
      expect(hash.digest('hex')).toBe(row.sha256);
      // PNGs get a thumbnail, stored before the row was written; PDFs none.
      if (file.kind === 'png') {
        const thumb = await store.head(required(row.thumbnail_key, `${row.name}'s thumbnail`));
        expect(thumb?.contentType).toBe('image/webp');
      } else expect(row.thumbnail_key).toBeNull();
    }
    const versions = await t.superuser<{
      file_id: string;
      version: number;
      object_key: string;
      days_ago: number;
    }>(
      `select file_id::text, version, object_key, round(extract(epoch from now() - created_at) / 86400)::int as days_ago
         from app.file_versions where tenant_id = $1`,
      [tenantId],
    );
    expect(versions.length).toBe(rows.length);
    for (const row of rows) {
      const version = versions.find((v) => v.file_id === row.id);
      expect(version).toMatchObject({ version: 1, object_key: row.object_key, days_ago: row.days_ago });
    }
    const [usage] = await t.superuser<{ bytes: number; files: number }>(
      'select bytes::int as bytes, files from app.storage_usage where tenant_id = $1',
      [tenantId],
    );
    expect(usage).toEqual({ bytes: rows.reduce((n, r) => n + r.size, 0), files: rows.length });
  });

  it('makes nested folders with their paths, one per name', async () => {
    const folders = await t.superuser<{ id: string; name: string; parent_id: string | null; path: string[] }>(
      'select id::text, name, parent_id::text, path::text[] as path from app.folders where tenant_id = $1',
      [tenantId],
    );
    const brand = folders.filter((f) => f.name === 'Brand');
    expect(brand.length).toBe(1);
    const top = required(brand[0], 'Brand');
    expect(top).toMatchObject({ parent_id: null, path: [] });
    const logos = required(
      folders.find((f) => f.name === 'Logos'),
      'Logos',
    );
    expect(logos).toMatchObject({ parent_id: top.id, path: [top.id] });
    const concepts = required(
      (await fileRows()).find((r) => r.name === 'Logo concepts.png'),
      'the logo concepts',
    );
    expect(concepts.folder_path).toEqual([top.id, logos.id]);
    const guidelines = required(
      (await fileRows()).find((r) => r.name === 'Brand guidelines v2.pdf'),
      'the guidelines',
    );
    expect(guidelines.folder_path).toEqual([top.id]);
  });

  it('shows a client’s shared upload under the company’s name and keeps their other upload internal', async () => {
    const rows = (await fileRows()).filter((r) => r.uploader === 'alex@acme-bakery.example');
    const shared = rows.filter((r) => r.client_visible);
    const internal = rows.filter((r) => !r.client_visible);
    expect(shared.length).toBeGreaterThan(0);
    expect(internal.length).toBeGreaterThan(0);
    for (const row of shared) expect(row.uploader_name).toBe('Acme Bakery');
    for (const row of internal) expect(row.uploader_name).toBeNull();
    for (const row of [...rows]) expect(row.folder_path).toEqual([]);
    const team = (await fileRows()).filter((r) => r.uploader === 'sam@northwind.example');
    for (const row of team) expect(row.uploader_name).toBe('Sam Patel');
  });

  it('lets each client read exactly the shared files of their projects, and their own uploads', async () => {
    const rows = await fileRows();
    for (const company of manifest.companies) {
      for (const contact of company.contacts) {
        const [person] = await t.superuser<{ id: string; client_id: string }>(
          'select id::text, client_id::text from app.users where tenant_id = $1 and email = $2',
          [tenantId, contact.email],
        );
        const me = required(person, contact.email);
        const actor: ActingAs = { kind: 'client', tenantId, userId: me.id, clientId: me.client_id };
        const seen = await withActor(t.handle.db, actor, async (tx) =>
          (await tx.select({ id: schema.files.id }).from(schema.files)).map((f) => f.id).sort(),
        );
        const projects = manifest.projects.filter(
          (p) => p.clients.includes(contact.email) && p.status !== 'archived',
        );
        const mayRead =
          contact.permissions.includes('projects') && contact.permissions.includes('files.download');
        const expected = rows
          .filter(
            (r) =>
              projects.some((p) => p.name === r.project) &&
              ((mayRead && r.client_visible) || r.uploader === contact.email),
          )
          .map((r) => r.id)
          .sort();
        expect(seen, contact.email).toEqual(expected);
      }
    }
    const alex = rows.filter(
      (r) => r.client_visible && ['Website redesign', 'Brand guidelines'].includes(r.project),
    );
    expect(alex.length).toBeGreaterThanOrEqual(5);
  });

  it('applies the other demo agency’s files too, each as its uploader', async () => {
    const bluefin = freshCopy(
      required(
        (await loadTenantDeclarations(tenantsDir)).find((d) => d.manifest.slug === 'bluefin'),
        'bluefin',
      ),
    ).manifest;
    const tenant = await ensureTenant({ query: t.superuser }, { slug: bluefin.slug, name: bluefin.name });
    await applyTenant(t.handle, tenant, bluefin, { files: { store } });
    const rows = await t.superuser<{ name: string; uploader: string; thumbnail_key: string | null }>(
      `select f.name, u.email as uploader, f.thumbnail_key from app.files f join app.users u on u.id = f.uploaded_by
        where f.tenant_id = $1`,
      [tenant.tenantId],
    );
    const declared = bluefin.projects.flatMap((p) => p.files);
    expect(declared.length).toBeGreaterThanOrEqual(8);
    expect(rows.map((r) => `${r.uploader} ${r.name}`).sort()).toEqual(
      declared.map((f) => `${f.by} ${f.name}`).sort(),
    );
    // No thumbnail maker given: no thumbnails.
    expect(rows.every((r) => r.thumbnail_key === null)).toBe(true);
  });

  it('writes the declared review trails: one waiting for Alex, one approved after two rounds', async () => {
    const trails = await t.superuser<{ title: string; kind: string; entries: string[]; ok: boolean }>(
      `select t.title, s.kind,
              array_agg(e.kind || ':' || e.round_n || coalesce(':' || e.decision, '') order by e.seq) as entries,
              (select v.ok from app_system.review_trail_verify(t.tenant_id, t.id) v) as ok
         from app.review_entries e join app.tasks t on t.id = e.task_id
         join app.task_statuses s on s.tenant_id = t.tenant_id and s.id = t.status_id
        where e.tenant_id = $1 group by t.tenant_id, t.id, t.title, s.kind order by t.title`,
      [tenantId],
    );
    expect(trails).toEqual([
      {
        title: 'Logo refresh',
        kind: 'done',
        entries: ['round:1', 'decision:1:revisions', 'round:2', 'decision:2:approved'],
        ok: true,
      },
      { title: 'Moodboard and visual direction', kind: 'review', entries: ['round:1'], ok: true },
    ]);
    // The deliverables are shared with the reviewer, by the exact version submitted.
    const [round] = await t.superuser<{
      deliverables: { kind: string; name?: string; label?: string; sha256?: string }[];
    }>(
      `select e.deliverables from app.review_entries e join app.tasks t on t.id = e.task_id
        where e.tenant_id = $1 and t.title = 'Moodboard and visual direction'`,
      [tenantId],
    );
    const [file] = await t.superuser<{ sha256: string; client_visible: boolean }>(
      `select sha256, client_visible from app.files where tenant_id = $1 and name = 'Homepage mockup.png'`,
      [tenantId],
    );
    expect(round?.deliverables.map((d) => [d.kind, d.name ?? d.label, d.sha256])).toEqual([
      ['file', 'Homepage mockup.png', file?.sha256],
      ['link', 'Interactive moodboard', undefined],
    ]);
    expect(file?.client_visible).toBe(true);
  });

  it('gives Alex, the demo client who reviews, a fortnight of past visits for the Activity page', async () => {
    const [alex] = await t.superuser<{ id: string; seen: boolean }>(
      `select id::text as id, last_seen_at < now() - interval '1 day' as seen from app.users
        where tenant_id = $1 and email = 'alex@acme-bakery.example'`,
      [tenantId],
    );
    expect(alex?.seen).toBe(true);
    const verbs = await t.superuser<{ verb: string; n: number; located: boolean }>(
      `select verb, count(*)::int as n, bool_and(ip is not null and user_agent is not null) as located
         from app.activity
        where tenant_id = $1 and (actor_id = $2 or (actor_kind = 'visitor' and data->>'email' = 'alex@acme-bakery.example'))
        group by verb order by verb`,
      [tenantId, alex?.id],
    );
    expect(verbs).toEqual([
      { verb: 'auth.sign_in', n: 5, located: true },
      { verb: 'auth.sign_in_failed', n: 1, located: true },
      { verb: 'auth.sign_out', n: 3, located: true },
      { verb: 'file.downloaded', n: 5, located: true },
      { verb: 'invoice.viewed_again', n: 2, located: true },
    ]);
    const sessions = await t.superuser<{ end_reason: string; n: number }>(
      `select end_reason, count(*)::int as n from app.session_log
        where tenant_id = $1 and user_id = $2 and ended_at is not null and ended_at > started_at
        group by end_reason order by end_reason`,
      [tenantId, alex?.id],
    );
    expect(sessions).toEqual([
      { end_reason: 'expired', n: 2 },
      { end_reason: 'signed_out', n: 3 },
    ]);
    // No live session is left behind, and nobody else gets made-up visits.
    expect(
      await t.superuser('select 1 from app.sessions where tenant_id = $1 and user_id = $2', [
        tenantId,
        alex?.id,
      ]),
    ).toEqual([]);
    expect(
      await t.superuser(
        `select 1 from app.activity a join app.users u on u.id = a.actor_id
          where a.tenant_id = $1 and u.role = 'client' and u.email <> 'alex@acme-bakery.example'`,
        [tenantId],
      ),
    ).toEqual([]);
  });

  it('adds nothing and stores nothing on a second apply', async () => {
    const before = { objects: await objectCount(), rows: await fileRows() };
    const folders = async () =>
      (
        await t.superuser<{ n: number }>('select count(*)::int as n from app.folders where tenant_id = $1', [
          tenantId,
        ])
      )[0]?.n;
    const foldersBefore = await folders();
    const entries = async () =>
      (
        await t.superuser<{ n: number }>(
          'select count(*)::int as n from app.review_entries where tenant_id = $1',
          [tenantId],
        )
      )[0]?.n;
    const entriesBefore = await entries();
    await apply();
    expect(await entries()).toBe(entriesBefore);
    expect(await objectCount()).toBe(before.objects);
    expect(await fileRows()).toEqual(before.rows);
    expect(await folders()).toBe(foldersBefore);
  });
});
