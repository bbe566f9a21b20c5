import { createHash, randomUUID } from 'node:crypto';
import { hashPassword } from '@foyer/auth';
import { type DatabaseHandle, schema, type Tx, withActor } from '@foyer/db';
import { and, eq, sql } from 'drizzle-orm';
import { ensureBoard } from './board';
import type { TenantManifest } from './manifest';

const { branding, clients, projectClients, projects, tasks, users } = schema;

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
 */
export async function applyTenant(
  handle: DatabaseHandle,
  tenant: EnsuredTenant,
  manifest: TenantManifest,
  options: { logo?: LogoFile | null; onlyMissing?: boolean } = {},
): Promise<ApplyResult> {
  const { tenantId, created } = tenant;
  if (options.onlyMissing && !created) return { slug: manifest.slug, tenantId, applied: false, created };

  // Provisioning acts as the tenant's admin; the admin row itself is upserted below. It runs
  // outside any request (the CLI, seeding), with no context to join, so it opens its own
  // transaction, and nobody acts who could be recorded.
  const actor = { kind: 'admin', tenantId, userId: randomUUID() } as const;
  await withActor(handle.db, actor, async (tx) => {
    await upsertBranding(tx, tenantId, manifest, options.logo ?? null);
    await upsertUser(tx, tenantId, { ...manifest.admin, role: 'admin', clientId: null });
    const clientId = await findOrInsert(
      tx.select({ id: clients.id }).from(clients).where(eq(clients.name, manifest.client.name)),
      () => tx.insert(clients).values({ tenantId, name: manifest.client.name }).returning({ id: clients.id }),
    );
    const clientUserId = await upsertUser(tx, tenantId, {
      ...manifest.client.contact,
      role: 'client',
      clientId,
    });
    const projectId = await findOrInsert(
      tx
        .select({ id: projects.id })
        .from(projects)
        .where(and(eq(projects.clientId, clientId), eq(projects.name, manifest.project.name))),
      () =>
        tx
          .insert(projects)
          .values({
            tenantId,
            clientId,
            name: manifest.project.name,
            description: manifest.project.description ?? null,
          })
          .returning({ id: projects.id }),
    );
    await tx
      .insert(projectClients)
      .values({ tenantId, projectId, userId: clientUserId })
      .onConflictDoNothing();
    const board = await ensureBoard(tx, tenantId);
    for (const [position, task] of manifest.project.tasks.entries()) {
      const statusId = board.get(task.status);
      if (!statusId) throw new Error(`no board column of kind ${task.status}`);
      const [existing] = await tx
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.projectId, projectId), eq(tasks.title, task.title)));
      if (existing) {
        await tx
          .update(tasks)
          .set({ statusId, clientVisible: task.clientVisible, position })
          .where(eq(tasks.id, existing.id));
      } else {
        await tx.insert(tasks).values({
          tenantId,
          projectId,
          statusId,
          title: task.title,
          clientVisible: task.clientVisible,
          position,
        });
      }
    }
  });
  return { slug: manifest.slug, tenantId, applied: true, created };
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
    role: 'admin' | 'client';
    clientId: string | null;
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
  const permissions = person.role === 'client' ? [...schema.clientPermissions] : [];
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
