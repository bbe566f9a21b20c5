import { and, eq, inArray, isNull, schema, sql, type Tx } from '@foyer/db';
import { z } from 'zod';
import { adminOf, type Ctx, record, siteOf, type TxCtx, teamMemberOf, transact } from '../ctx';
import { CoreError, invalid } from '../errors';
import { id, isCalendarDate, line, lines, parseInput } from '../input';
import { notify } from '../mail/outbox';
import { notifyInApp } from '../notifications/in-app';

const { branding, clients, projectClients, projectFeed, projectStaff, projects, taskStatuses, tasks, users } =
  schema;

export type ProjectStatus = schema.ProjectStatus;

/** The statuses in the order the product shows them. */
export const PROJECT_STATUSES: readonly ProjectStatus[] = schema.projectStatuses;

export const PROJECTS_PAGE_SIZE = 25;

/** A client person as the team sees them on a project: `invited` until they accept. */
import { type ClientState, clientStateColumn, invitedColumn } from '../clients/state';

export type { ClientState };

const ADMINS_ONLY = 'Only admins manage projects.';
const NOT_FOUND = 'That project doesn’t exist.';

// ---- inputs -------------------------------------------------------------------------------------

/** A calendar date as a form sends it ('' for none): 'YYYY-MM-DD' that names a real day, or null. */
const dateInput = (what: string) =>
  z
    .string()
    .trim()
    .max(10, `Enter the ${what} as a date.`)
    .optional()
    .transform((value, issue) => {
      if (!value) return null;
      if (!isCalendarDate(value)) {
        issue.addIssue({ code: 'custom', message: `Enter the ${what} as a date.` });
        return z.NEVER;
      }
      return value;
    });

/** An optional id from a select: '' (or nothing) for none. */
const optionalId = (what: string) =>
  z
    .union([z.literal(''), id(what)])
    .optional()
    .transform((value) => value || null);

const statusInput = z.enum(schema.projectStatuses, 'Choose a status from the list.');
const nameInput = line(200).min(1, 'Give the project a name.');
const descriptionInput = lines(5000)
  .optional()
  .transform((value) => value?.trim() || null);
const idList = (what: string) => z.array(id(what)).max(500, 'Choose fewer at once.');

/** What the new-project form posts. */
export const createProjectInput = z.object({
  name: nameInput,
  description: descriptionInput,
  status: statusInput.optional().default('active'),
  startDate: dateInput('start date'),
  deadline: dateInput('deadline'),
  companyId: optionalId('company'),
  clientIds: idList('client').optional().default([]),
  /** Companies whose current active contacts are all assigned ("whole company"). */
  companyIds: idList('company').optional().default([]),
  staffIds: idList('team member').optional().default([]),
});

/** What the project's edit form posts; a field left out stays as it is. */
export const updateProjectInput = z.object({
  projectId: id('project'),
  name: nameInput.optional(),
  description: descriptionInput,
  status: statusInput.optional(),
  startDate: dateInput('start date'),
  deadline: dateInput('deadline'),
  companyId: optionalId('company'),
  /** Whether new tasks and milestones of the project start client-visible. */
  tasksVisibleByDefault: z.boolean('Choose whether new tasks start client-visible.').optional(),
});

export const projectIdInput = z.object({ projectId: id('project') });

export const assignClientsInput = z.object({
  projectId: id('project'),
  userIds: idList('client').optional().default([]),
  companyId: optionalId('company'),
});

export const projectPersonInput = z.object({ projectId: id('project'), userId: id('person') });

export const assignStaffInput = z.object({
  projectId: id('project'),
  userIds: idList('team member').optional().default([]),
});

const listInput = z.object({
  q: line(200).optional().default(''),
  status: z
    .union([z.literal(''), statusInput])
    .optional()
    .transform((value) => value || null),
  companyId: optionalId('company'),
  after: z.string().max(1000).optional().default(''),
  limit: z.coerce.number().int().min(1).max(100).optional().default(PROJECTS_PAGE_SIZE),
});

// ---- reading ------------------------------------------------------------------------------------

export interface ProjectListItem {
  id: string;
  name: string;
  status: ProjectStatus;
  companyId: string | null;
  companyName: string | null;
  startDate: string | null;
  deadline: string | null;
  clientCount: number;
  staffCount: number;
  updatedAt: Date;
}

export interface ProjectPage {
  projects: ProjectListItem[];
  /** Pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page ends at a project named by its sort key (lower(name)) and id, for ties. */
function encodeCursor(key: string, projectId: string): string {
  return Buffer.from(JSON.stringify([key, projectId])).toString('base64url');
}

function decodeCursor(cursor: string): { key: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [key, projectId] = value;
    if (typeof key !== 'string' || typeof projectId !== 'string' || !UUID.test(projectId)) return null;
    return { key, id: projectId };
  } catch {
    return null;
  }
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const clientCount = sql<number>`(select count(*)::int from app.project_clients pc where pc.tenant_id = ${projects.tenantId} and pc.project_id = ${projects.id})`;
const staffCount = sql<number>`(select count(*)::int from app.project_staff ps where ps.tenant_id = ${projects.tenantId} and ps.project_id = ${projects.id})`;

/**
 * The team's projects by name, 25 at a time: admins see all, staff the projects they are on (the
 * database's policies decide; nothing here widens them). Archived projects are listed only when
 * asked for by status. `q` searches names and the owning company's name.
 */
export async function listProjects({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { q?: string; status?: string; companyId?: string; after?: string; limit?: number };
}): Promise<ProjectPage> {
  const actor = teamMemberOf(ctx, 'Only the team sees this list of projects.');
  const { q, status, companyId, after, limit } = parseInput(listInput, input);
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) throw invalid({ after: 'That page of projects no longer exists.' });

  const conditions = [eq(projects.tenantId, actor.tenantId)];
  conditions.push(status ? eq(projects.status, status) : sql`${projects.status} <> 'archived'`);
  if (companyId) conditions.push(eq(projects.clientId, companyId));
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    conditions.push(sql`(${projects.name} ilike ${pattern} or ${clients.name} ilike ${pattern})`);
  }
  if (cursor)
    conditions.push(sql`(lower(${projects.name}), ${projects.id}) > (${cursor.key}, ${cursor.id}::uuid)`);

  const rows = await transact(ctx, ({ tx }) =>
    tx
      .select({
        id: projects.id,
        name: projects.name,
        key: sql<string>`lower(${projects.name})`,
        status: projects.status,
        companyId: projects.clientId,
        companyName: clients.name,
        startDate: projects.startDate,
        deadline: projects.deadline,
        clientCount,
        staffCount,
        updatedAt: projects.updatedAt,
      })
      .from(projects)
      .leftJoin(clients, and(eq(clients.tenantId, projects.tenantId), eq(clients.id, projects.clientId)))
      .where(and(...conditions))
      .orderBy(sql`lower(${projects.name})`, projects.id)
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    projects: page.map(({ key: _, ...row }) => ({
      ...row,
      clientCount: Number(row.clientCount),
      staffCount: Number(row.staffCount),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.key, last.id) : null,
  };
}

export interface ProjectOverview {
  id: string;
  name: string;
  description: string | null;
  status: ProjectStatus;
  startDate: string | null;
  deadline: string | null;
  companyId: string | null;
  companyName: string | null;
  /** Whether new tasks and milestones start client-visible. */
  tasksVisibleByDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectClient {
  id: string;
  name: string;
  email: string;
  companyId: string | null;
  companyName: string | null;
  state: ClientState;
}

export interface ProjectStaffMember {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'staff';
  status: 'active' | 'deactivated';
}

/** How many tasks a project's overview shows. */
const RECENT_TASKS = 8;

export interface ProjectTask {
  id: string;
  title: string;
  column: string;
  clientVisible: boolean;
}

export interface ProjectDetail {
  project: ProjectOverview;
  clients: ProjectClient[];
  staff: ProjectStaffMember[];
  /** The project's most recently changed tasks (archived ones aside); the rest are on its list. */
  tasks: ProjectTask[];
  /** How many unarchived tasks the project has. */
  taskCount: number;
}

/** The project as it is, or not_found (also for a project the database does not show this person). */
async function projectOverview(tx: Tx, projectId: string): Promise<ProjectOverview> {
  const [row] = await tx
    .select({
      id: projects.id,
      name: projects.name,
      description: projects.description,
      status: projects.status,
      startDate: projects.startDate,
      deadline: projects.deadline,
      companyId: projects.clientId,
      companyName: clients.name,
      tasksVisibleByDefault: projects.tasksVisibleByDefault,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
    })
    .from(projects)
    .leftJoin(clients, and(eq(clients.tenantId, projects.tenantId), eq(clients.id, projects.clientId)))
    .where(eq(projects.id, projectId));
  if (!row) throw new CoreError('not_found', NOT_FOUND);
  return row;
}

async function assignedClients(tx: Tx, projectId: string): Promise<ProjectClient[]> {
  return tx
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      companyId: users.clientId,
      companyName: clients.name,
      state: clientStateColumn,
    })
    .from(projectClients)
    .innerJoin(users, and(eq(users.tenantId, projectClients.tenantId), eq(users.id, projectClients.userId)))
    .leftJoin(clients, and(eq(clients.tenantId, users.tenantId), eq(clients.id, users.clientId)))
    .where(eq(projectClients.projectId, projectId))
    .orderBy(sql`lower(${clients.name})`, sql`lower(${users.name})`, users.id);
}

/** A project for the team: overview, its clients and staff, and its tasks. Staff only theirs. */
export async function getProject({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof projectIdInput>;
}): Promise<ProjectDetail> {
  teamMemberOf(ctx, 'Only the team sees this page.');
  const { projectId } = parseInput(projectIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const project = await projectOverview(tx, projectId);
    const clientRows = await assignedClients(tx, projectId);
    const staff = (await tx
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, status: users.status })
      .from(projectStaff)
      .innerJoin(users, and(eq(users.tenantId, projectStaff.tenantId), eq(users.id, projectStaff.userId)))
      .where(eq(projectStaff.projectId, projectId))
      .orderBy(sql`lower(${users.name})`, users.id)) as ProjectStaffMember[];
    const taskRows = await tx
      .select({
        id: tasks.id,
        title: tasks.title,
        column: taskStatuses.name,
        clientVisible: tasks.clientVisible,
      })
      .from(tasks)
      .innerJoin(
        taskStatuses,
        and(eq(taskStatuses.tenantId, tasks.tenantId), eq(taskStatuses.id, tasks.statusId)),
      )
      .where(and(eq(tasks.projectId, projectId), isNull(tasks.archivedAt)))
      .orderBy(sql`${tasks.updatedAt} desc`, tasks.id)
      .limit(RECENT_TASKS + 1);
    const [counted] =
      taskRows.length > RECENT_TASKS
        ? await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(tasks)
            .where(and(eq(tasks.projectId, projectId), isNull(tasks.archivedAt)))
        : [{ n: taskRows.length }];
    return {
      project,
      clients: clientRows,
      staff,
      tasks: taskRows.slice(0, RECENT_TASKS),
      taskCount: counted?.n ?? taskRows.length,
    };
  });
}

export interface CompanyOption {
  id: string;
  name: string;
}

/** The companies the team member can see, for the list's filter. */
export async function projectCompanies({ ctx }: { ctx: Ctx }): Promise<CompanyOption[]> {
  teamMemberOf(ctx);
  return transact(ctx, ({ tx }) =>
    tx
      .select({ id: clients.id, name: clients.name })
      .from(clients)
      .orderBy(sql`lower(${clients.name})`, clients.id)
      .limit(1000),
  );
}

export interface AssignableCompany extends CompanyOption {
  /** Its contacts, deactivated ones included (shown, not offered). */
  contacts: { id: string; name: string; email: string; state: ClientState }[];
}

export interface ProjectAssignables {
  companies: AssignableCompany[];
  /** Active admins and staff. */
  team: { id: string; name: string; role: 'admin' | 'staff' }[];
}

/** Who an admin can put on a project: companies with their contacts, and the team. */
export async function projectAssignables({ ctx }: { ctx: Ctx }): Promise<ProjectAssignables> {
  adminOf(ctx, ADMINS_ONLY);
  return transact(ctx, async ({ tx }) => {
    const companyRows = await tx
      .select({ id: clients.id, name: clients.name })
      .from(clients)
      .orderBy(sql`lower(${clients.name})`, clients.id)
      .limit(1000);
    const contacts = await tx
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        companyId: users.clientId,
        state: clientStateColumn,
      })
      .from(users)
      .where(sql`${users.role} = 'client'`)
      .orderBy(sql`lower(${users.name})`, users.id)
      .limit(5000);
    const team = (await tx
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(sql`${users.role} in ('admin', 'staff') and ${users.status} = 'active'`)
      .orderBy(sql`lower(${users.name})`, users.id)) as ProjectAssignables['team'];
    return {
      companies: companyRows.map((company) => ({
        ...company,
        contacts: contacts
          .filter((c) => c.companyId === company.id)
          .map(({ companyId: _, ...contact }) => contact),
      })),
      team,
    };
  });
}

// ---- the client feed and notices ----------------------------------------------------------------

/**
 * The name a client sees on feed entries by the team: the agency's display name, never the staff
 * member's (clients never learn who of the team did what unless an item says so).
 */
async function agencyName(ctx: TxCtx): Promise<string> {
  if (ctx.site) return ctx.site.branding.displayName;
  const [row] = await ctx.tx.select({ name: branding.displayName }).from(branding).limit(1);
  return row?.name ?? '';
}

async function addFeed(
  ctx: TxCtx,
  entry: { projectId: string; kind: string; userId?: string | null; data?: Record<string, unknown> },
): Promise<void> {
  const actor = adminOf(ctx);
  await ctx.tx.insert(projectFeed).values({
    tenantId: actor.tenantId,
    projectId: entry.projectId,
    kind: entry.kind,
    userId: entry.userId ?? null,
    actorName: await agencyName(ctx),
    data: entry.data ?? {},
  });
}

/** The project's page in the portal, on the tenant's host. */
export const portalProjectPath = (projectId: string) => `/projects/${projectId}`;

// ---- writing ------------------------------------------------------------------------------------

function checkDates(startDate: string | null, deadline: string | null): void {
  if (startDate && deadline && deadline < startDate)
    throw invalid({ deadline: 'The deadline can’t be before the start date.' });
}

async function companyExists(tx: Tx, companyId: string): Promise<boolean> {
  const [row] = await tx.select({ id: clients.id }).from(clients).where(eq(clients.id, companyId));
  return Boolean(row);
}

export interface CreatedProject {
  id: string;
  name: string;
}

/** Creates a project, with the clients and staff chosen on the form. */
export async function createProject({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Omit<z.input<typeof createProjectInput>, 'status'> & { status?: string };
}): Promise<CreatedProject> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(createProjectInput, input);
  checkDates(data.startDate, data.deadline);
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    if (data.companyId && !(await companyExists(tx, data.companyId)))
      throw invalid({ companyId: 'Choose a company from the list.' });
    const [row] = await tx
      .insert(projects)
      .values({
        tenantId: actor.tenantId,
        clientId: data.companyId,
        name: data.name,
        description: data.description,
        status: data.status,
        startDate: data.startDate,
        deadline: data.deadline,
      })
      .returning({ id: projects.id, name: projects.name });
    if (!row) throw new Error('project insert returned no row');
    await addFeed(ctx, { projectId: row.id, kind: 'project.created', data: { name: row.name } });
    // The people chosen on the form; a refusal is shown beside the list it came from.
    const onList = async <T>(list: 'clientIds' | 'staffIds', work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        if (error instanceof CoreError && error.code === 'validation')
          throw invalid({ [list]: Object.values(error.fields)[0] ?? error.message });
        throw error;
      }
    };
    const assigned: string[] = [];
    for (const companyId of [...new Set(data.companyIds)]) {
      const { added } = await onList('clientIds', () =>
        assignClients({ ctx, input: { projectId: row.id, companyId } }),
      );
      assigned.push(...added);
    }
    if (data.clientIds.length > 0) {
      const { added } = await onList('clientIds', () =>
        assignClients({ ctx, input: { projectId: row.id, userIds: data.clientIds } }),
      );
      assigned.push(...added);
    }
    const staff =
      data.staffIds.length > 0
        ? (
            await onList('staffIds', () =>
              assignStaff({ ctx, input: { projectId: row.id, userIds: data.staffIds } }),
            )
          ).added
        : [];
    await record(ctx, {
      verb: 'project.create',
      subject: { type: 'project', id: row.id },
      projectId: row.id,
      data: {
        name: row.name,
        status: data.status,
        companyId: data.companyId,
        clientIds: assigned,
        staffIds: staff,
      },
    });
    return row;
  });
}

/** Changes a project's details; a status change is told to its clients in their feed. */
export async function updateProject({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: Omit<z.input<typeof updateProjectInput>, 'status'> & { status?: string };
}): Promise<ProjectOverview> {
  adminOf(ctx, ADMINS_ONLY);
  const data = parseInput(updateProjectInput, input);
  const given = (key: keyof typeof input) => input[key] !== undefined;
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const [before] = await tx.select().from(projects).where(eq(projects.id, data.projectId)).for('update');
    if (!before) throw new CoreError('not_found', NOT_FOUND);
    const next = {
      name: data.name ?? before.name,
      description: given('description') ? data.description : before.description,
      status: data.status ?? before.status,
      startDate: given('startDate') ? data.startDate : before.startDate,
      deadline: given('deadline') ? data.deadline : before.deadline,
      clientId: given('companyId') ? data.companyId : before.clientId,
      tasksVisibleByDefault: data.tasksVisibleByDefault ?? before.tasksVisibleByDefault,
    };
    checkDates(next.startDate, next.deadline);
    if (next.clientId && next.clientId !== before.clientId && !(await companyExists(tx, next.clientId)))
      throw invalid({ companyId: 'Choose a company from the list.' });
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((key) => next[key] !== before[key]);
    if (changed.length > 0) {
      await tx
        .update(projects)
        .set({ ...next, updatedAt: sql`now()` })
        .where(eq(projects.id, data.projectId));
    }
    if (next.status !== before.status) {
      await addFeed(ctx, {
        projectId: data.projectId,
        kind: 'project.status',
        data: { from: before.status, to: next.status },
      });
    }
    await record(ctx, {
      verb: 'project.update',
      subject: { type: 'project', id: data.projectId },
      projectId: data.projectId,
      data: {
        changed: changed.map((key) => (key === 'clientId' ? 'companyId' : key)),
        ...(next.status !== before.status ? { status: { from: before.status, to: next.status } } : {}),
      },
    });
    return projectOverview(tx, data.projectId);
  });
}

async function lockedProject(tx: Tx, projectId: string) {
  const [project] = await tx
    .select({ id: projects.id, name: projects.name, status: projects.status })
    .from(projects)
    .where(eq(projects.id, projectId))
    .for('update');
  if (!project) throw new CoreError('not_found', NOT_FOUND);
  return project;
}

export interface Assigned {
  /** The people newly on the project; those already on it are left as they were. */
  added: string[];
}

/**
 * Puts clients on a project: chosen people, or a whole company (its contacts who are active now;
 * people who join the company later are not added). Each newly assigned client hears of it in
 * their feed ("you were added", shown only to them), in the bell and by the branded email unless
 * they turned it off; someone who hasn't accepted their invitation yet gets the bell notice only,
 * and nobody is told about an archived project, which clients can't open.
 */
export async function assignClients({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof assignClientsInput>;
}): Promise<Assigned> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  const { projectId, userIds, companyId } = parseInput(assignClientsInput, input);
  if (userIds.length === 0 && !companyId)
    throw invalid({ userIds: 'Choose the clients to add, or a whole company.' });
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const project = await lockedProject(tx, projectId);
    const wanted = new Set<string>();
    if (userIds.length > 0) {
      const people = await tx
        .select({ id: users.id, name: users.name, role: users.role, status: users.status })
        .from(users)
        .where(inArray(users.id, [...new Set(userIds)]));
      const found = new Map(people.map((p) => [p.id, p]));
      for (const userId of new Set(userIds)) {
        const person = found.get(userId);
        if (person?.role !== 'client')
          throw invalid({ userIds: 'Only your clients can be added here. Add team members under Staff.' });
        if (person.status !== 'active')
          throw invalid({ userIds: `${person.name} is deactivated. Reactivate them first.` });
        wanted.add(userId);
      }
    }
    if (companyId) {
      if (!(await companyExists(tx, companyId)))
        throw invalid({ companyId: 'Choose a company from the list.' });
      const contacts = await tx
        .select({ id: users.id })
        .from(users)
        .where(
          sql`${users.clientId} = ${companyId} and ${users.role} = 'client' and ${users.status} = 'active'`,
        );
      if (contacts.length === 0 && wanted.size === 0)
        throw invalid({ companyId: 'This company has no active contacts to add.' });
      for (const contact of contacts) wanted.add(contact.id);
    }
    const inserted =
      wanted.size === 0
        ? []
        : await tx
            .insert(projectClients)
            .values(
              [...wanted].map((userId) => ({
                tenantId: actor.tenantId,
                projectId,
                userId,
                addedBy: actor.userId,
              })),
            )
            .onConflictDoNothing()
            .returning({ userId: projectClients.userId });
    const added = inserted.map((r) => r.userId);
    if (added.length > 0) {
      const people = await tx
        .select({ id: users.id, invited: invitedColumn })
        .from(users)
        .where(inArray(users.id, added));
      for (const userId of added) {
        await addFeed(ctx, { projectId, kind: 'project.assigned', userId, data: { name: project.name } });
      }
      if (project.status !== 'archived') {
        const agency = await agencyName(ctx);
        const link = portalProjectPath(projectId);
        const notice = {
          tenantId: actor.tenantId,
          event: 'project-added' as const,
          title: `You’ve been added to ${project.name}`,
          body: `${agency} added you to this project.`,
          link,
        };
        const invited = people.filter((p) => p.invited).map((p) => p.id);
        const ready = people.filter((p) => !p.invited).map((p) => p.id);
        await notifyInApp(tx, { ...notice, userIds: invited });
        await notify(tx, {
          ...notice,
          userIds: ready,
          vars: {
            projectName: project.name,
            addedByName: agency,
            projectUrl: new URL(link, siteOf(ctx).tenant.origin).toString(),
          },
        });
      }
    }
    await record(ctx, {
      verb: 'project.assign_clients',
      subject: { type: 'project', id: projectId },
      projectId,
      data: { userIds: added, ...(companyId ? { companyId } : {}) },
    });
    return { added };
  });
}

/** Takes a client off a project: they stop seeing it on their next request. */
export async function unassignClient({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof projectPersonInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const { projectId, userId } = parseInput(projectPersonInput, input);
  await transact(ctx, async (ctx) => {
    await lockedProject(ctx.tx, projectId);
    const removed = await ctx.tx
      .delete(projectClients)
      .where(and(eq(projectClients.projectId, projectId), eq(projectClients.userId, userId)))
      .returning({ userId: projectClients.userId });
    if (removed.length === 0) throw new CoreError('not_found', 'That client isn’t on this project.');
    await record(ctx, {
      verb: 'project.unassign_client',
      subject: { type: 'user', id: userId },
      projectId,
    });
  });
}

/** Puts team members on a project; staff then see it, and each hears of it in the bell. */
export async function assignStaff({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof assignStaffInput>;
}): Promise<Assigned> {
  const actor = adminOf(ctx, ADMINS_ONLY);
  const { projectId, userIds } = parseInput(assignStaffInput, input);
  if (userIds.length === 0) throw invalid({ userIds: 'Choose the team members to add.' });
  return transact(ctx, async (ctx) => {
    const { tx } = ctx;
    const project = await lockedProject(tx, projectId);
    const unique = [...new Set(userIds)];
    const people = await tx
      .select({ id: users.id, name: users.name, role: users.role, status: users.status })
      .from(users)
      .where(inArray(users.id, unique));
    const found = new Map(people.map((p) => [p.id, p]));
    for (const userId of unique) {
      const person = found.get(userId);
      if (!person || person.role === 'client')
        throw invalid({ userIds: 'Only team members can be added here. Add clients under Clients.' });
      if (person.status !== 'active')
        throw invalid({ userIds: `${person.name} is deactivated. Reactivate them first.` });
    }
    const inserted = await tx
      .insert(projectStaff)
      .values(
        unique.map((userId) => ({ tenantId: actor.tenantId, projectId, userId, addedBy: actor.userId })),
      )
      .onConflictDoNothing()
      .returning({ userId: projectStaff.userId });
    const added = inserted.map((r) => r.userId);
    await notifyInApp(tx, {
      tenantId: actor.tenantId,
      event: 'project-added',
      userIds: added.filter((userId) => userId !== actor.userId),
      title: `You’ve been added to ${project.name}`,
      body: 'You can now see this project and work on it.',
      link: `/admin/projects/${projectId}`,
    });
    await record(ctx, {
      verb: 'project.assign_staff',
      subject: { type: 'project', id: projectId },
      projectId,
      data: { userIds: added },
    });
    return { added };
  });
}

/** Takes a team member off a project; staff stop seeing it (admins see every project anyway). */
export async function unassignStaff({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof projectPersonInput>;
}): Promise<void> {
  adminOf(ctx, ADMINS_ONLY);
  const { projectId, userId } = parseInput(projectPersonInput, input);
  await transact(ctx, async (ctx) => {
    await lockedProject(ctx.tx, projectId);
    const removed = await ctx.tx
      .delete(projectStaff)
      .where(and(eq(projectStaff.projectId, projectId), eq(projectStaff.userId, userId)))
      .returning({ userId: projectStaff.userId });
    if (removed.length === 0) throw new CoreError('not_found', 'That team member isn’t on this project.');
    await record(ctx, {
      verb: 'project.unassign_staff',
      subject: { type: 'user', id: userId },
      projectId,
    });
  });
}
