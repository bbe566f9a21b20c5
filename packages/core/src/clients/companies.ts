import { and, eq, schema, sql } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, type TxCtx, transact } from '../ctx';
import { CoreError, invalid, sqlState, UNIQUE_VIOLATION } from '../errors';
import { id, line, parseInput } from '../input';
import { clientStateOf, invitedColumn } from './state';

const { clients, projectClients, projects, users } = schema;

const COMPANIES_ADMINS_ONLY = 'Only admins manage client companies.';

export interface CompanySummary {
  id: string;
  name: string;
  contactCount: number;
  projectCount: number;
}

export interface CompanyContact {
  id: string;
  name: string;
  email: string;
  state: 'active' | 'invited' | 'deactivated';
  lastSeenAt: Date | null;
}

export interface CompanyDetail {
  id: string;
  name: string;
  createdAt: Date;
  contacts: CompanyContact[];
  /** Its own projects and every project one of its contacts is on. */
  projects: { id: string; name: string; status: string }[];
}

/**
 * The company of this name (case-insensitively), or a new one: what typing a company name on a
 * client's form means. Joins the caller's transaction.
 */
export async function companyForName(
  ctx: TxCtx,
  name: string,
): Promise<{ id: string; name: string; created: boolean }> {
  const actor = adminOf(ctx, COMPANIES_ADMINS_ONLY);
  const { tx } = ctx;
  const find = () =>
    tx
      .select({ id: clients.id, name: clients.name })
      .from(clients)
      .where(and(eq(clients.tenantId, actor.tenantId), sql`lower(${clients.name}) = lower(${name})`));
  const [existing] = await find();
  if (existing) return { ...existing, created: false };
  const [made] = await tx
    .insert(clients)
    .values({ tenantId: actor.tenantId, name })
    .onConflictDoNothing()
    .returning({ id: clients.id, name: clients.name });
  if (made) return { ...made, created: true };
  // Someone else made it a moment ago.
  const [found] = await find();
  if (!found) throw new Error(`company ${name} neither inserted nor found`);
  return { ...found, created: false };
}

// Written out in full: drizzle leaves the outer table's columns unqualified inside a subquery.
/**
 * A new company for a person added without one, in their own name; a name already taken (another
 * person alone of the same name) gets a number, so two strangers never share a company.
 */
export async function ownCompanyFor(
  ctx: TxCtx,
  personName: string,
): Promise<{ id: string; name: string; created: boolean }> {
  const actor = adminOf(ctx, COMPANIES_ADMINS_ONLY);
  for (let n = 1; n <= 100; n++) {
    const name = n === 1 ? personName : `${personName} (${n})`;
    const [made] = await ctx.tx
      .insert(clients)
      .values({ tenantId: actor.tenantId, name })
      .onConflictDoNothing()
      .returning({ id: clients.id, name: clients.name });
    if (made) return { ...made, created: true };
  }
  throw new CoreError('conflict', 'Too many companies already have this name. Enter a company for them.');
}

const contactCount = sql<number>`(select count(*)::int from app.users u where u.tenant_id = app.clients.tenant_id and u.client_id = app.clients.id and u.role = 'client')`;
const projectCount = sql<number>`(select count(*)::int from app.projects p where p.tenant_id = app.clients.tenant_id and (p.client_id = app.clients.id or p.id in (select pc.project_id from app.project_clients pc join app.users u on u.tenant_id = pc.tenant_id and u.id = pc.user_id where pc.tenant_id = app.clients.tenant_id and u.client_id = app.clients.id)))`;

const listInput = z.object({
  q: line(200).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

/** The agency's client companies in name order, with how many contacts and projects each has. */
export async function listCompanies({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: z.input<typeof listInput>;
}): Promise<CompanySummary[]> {
  const actor = adminOf(ctx, COMPANIES_ADMINS_ONLY);
  const { q, limit } = parseInput(listInput, input);
  const conditions = [eq(clients.tenantId, actor.tenantId)];
  if (q)
    conditions.push(
      sql`lower(${clients.name}) like ${`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`,
    );
  return transact(ctx, ({ tx }) =>
    tx
      .select({ id: clients.id, name: clients.name, contactCount, projectCount })
      .from(clients)
      .where(and(...conditions))
      .orderBy(sql`lower(${clients.name})`, clients.id)
      .limit(limit ?? 500),
  );
}

const companyInput = z.object({ companyId: id('company') });

/** A company with its contacts and projects. */
export async function getCompany({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof companyInput>;
}): Promise<CompanyDetail> {
  const actor = adminOf(ctx, COMPANIES_ADMINS_ONLY);
  const { companyId } = parseInput(companyInput, input);
  return transact(ctx, async ({ tx }) => {
    const [company] = await tx
      .select({ id: clients.id, name: clients.name, createdAt: clients.createdAt })
      .from(clients)
      .where(and(eq(clients.tenantId, actor.tenantId), eq(clients.id, companyId)));
    if (!company) throw new CoreError('not_found', 'That company doesn’t exist.');
    const contacts = await tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        status: users.status,
        invited: invitedColumn,
        lastSeenAt: users.lastSeenAt,
      })
      .from(users)
      .where(and(eq(users.tenantId, actor.tenantId), eq(users.clientId, companyId), eq(users.role, 'client')))
      .orderBy(sql`lower(${users.name})`, users.id);
    const onProjects = await tx
      .select({ id: projects.id, name: projects.name, status: projects.status })
      .from(projects)
      .where(
        and(
          eq(projects.tenantId, actor.tenantId),
          sql`(${projects.clientId} = ${companyId} or ${projects.id} in (select ${projectClients.projectId} from ${projectClients} join ${users} on ${users.tenantId} = ${projectClients.tenantId} and ${users.id} = ${projectClients.userId} where ${projectClients.tenantId} = ${actor.tenantId} and ${users.clientId} = ${companyId}))`,
        ),
      )
      .orderBy(sql`lower(${projects.name})`, projects.id);
    return {
      ...company,
      contacts: contacts.map((c) => ({
        id: c.id,
        name: c.name,
        email: c.email,
        state: clientStateOf(c),
        lastSeenAt: c.lastSeenAt,
      })),
      projects: onProjects,
    };
  });
}

const renameInput = z.object({
  companyId: id('company'),
  name: line(200).refine((v) => v.length > 0, 'Enter the company’s name.'),
});

const NAME_TAKEN = 'Another company already has this name.';

/** Renames a company; names stay unique, case-insensitively. */
export async function renameCompany({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof renameInput>;
}): Promise<void> {
  const actor = adminOf(ctx, COMPANIES_ADMINS_ONLY);
  const { companyId, name } = parseInput(renameInput, input);
  await transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [taken] = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(
        and(
          eq(clients.tenantId, actor.tenantId),
          sql`lower(${clients.name}) = lower(${name}) and ${clients.id} <> ${companyId}`,
        ),
      );
    if (taken) throw invalid({ name: NAME_TAKEN });
    let renamed: { before: string }[];
    try {
      const [before] = await tx
        .select({ name: clients.name })
        .from(clients)
        .where(and(eq(clients.tenantId, actor.tenantId), eq(clients.id, companyId)))
        .for('update');
      if (!before) throw new CoreError('not_found', 'That company doesn’t exist.');
      await tx
        .update(clients)
        .set({ name })
        .where(and(eq(clients.tenantId, actor.tenantId), eq(clients.id, companyId)));
      renamed = [{ before: before.name }];
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) throw invalid({ name: NAME_TAKEN });
      throw error;
    }
    await record(ctx, {
      verb: 'company.rename',
      subject: { type: 'client', id: companyId },
      data: { from: renamed[0]?.before, to: name },
    });
  });
}
