import { rowsOf, schema, sql } from '@foyer/db';
import { DEFAULT_ACCENT, DEFAULT_PRIMARY } from '../branding/resolve';
import { type Ctx, teamMemberOf, transact } from '../ctx';

const { projects } = schema;

export type ChecklistKey =
  | 'email_tested'
  | 'client_accepted'
  | 'permissions_set'
  | 'client_assigned'
  | 'task_shared'
  | 'file_shared'
  | 'conversation_started'
  | 'review_requested'
  | 'invoice_sent'
  | 'payments_connected'
  | 'branding_applied'
  | 'portal_previewed'
  | 'two_factor_on';

export interface ChecklistItem {
  key: ChecklistKey;
  label: string;
  /** Where it is done. */
  href: string;
  done: boolean;
}

export interface DashboardProject {
  id: string;
  name: string;
  status: 'active' | 'on_hold' | 'completed' | 'archived';
  deadline: string | null;
}

export interface AdminDashboard {
  role: 'admin' | 'staff';
  /** The setup checklist (admins only); null once every item is done, or for staff. */
  checklist: ChecklistItem[] | null;
  counts: {
    /** Client people not deactivated (admins only; null for staff). */
    clients: number | null;
    /** Active projects the person can see (all for admins, their own for staff). */
    activeProjects: number;
    /** What waits on clients: invitations not yet accepted (admins only; null for staff). */
    invitationsPending: number | null;
  };
  /** A few projects, most recently changed first: the staff member's own, or the agency's. */
  projects: DashboardProject[];
}

const RECENT_PROJECTS = 5;

const LABELS: Record<ChecklistKey, { label: string; href: string }> = {
  email_tested: { label: 'Send a test email to check delivery', href: '/admin/settings/email/delivery' },
  branding_applied: { label: 'Add your logo and brand colours', href: '/admin/settings/branding' },
  client_accepted: { label: 'Invite a client, and have them accept', href: '/admin/clients' },
  permissions_set: { label: 'Choose what your clients can see', href: '/admin/clients' },
  client_assigned: { label: 'Assign a client to a project', href: '/admin/projects' },
  task_shared: { label: 'Make a task visible to your client', href: '/admin/projects' },
  file_shared: { label: 'Share a file with your client', href: '/admin/projects' },
  conversation_started: { label: 'Start a conversation with a client', href: '/admin/messages/new' },
  review_requested: { label: 'Ask your client to review a deliverable', href: '/admin/tasks' },
  invoice_sent: { label: 'Send your first invoice', href: '/admin/invoices/new' },
  payments_connected: { label: 'Let clients pay online', href: '/admin/settings/payments' },
  portal_previewed: { label: 'Preview the portal as a client', href: '/admin/preview' },
  two_factor_on: { label: 'Protect your account with two-factor', href: '/account/two-factor' },
};

const ORDER: ChecklistKey[] = [
  'email_tested',
  'branding_applied',
  'client_accepted',
  'permissions_set',
  'client_assigned',
  'task_shared',
  'file_shared',
  'conversation_started',
  'review_requested',
  'invoice_sent',
  'payments_connected',
  'portal_previewed',
  'two_factor_on',
];

const exists = (query: ReturnType<typeof sql>) => sql<boolean>`exists (${query})`;

/**
 * The team panel's home. For admins, the guide's setup checklist is computed from real state
 * (the activity log for the email test and the preview, the tables for the rest) in one
 * statement; staff see their own projects. Read under the actor's policies.
 */
export async function adminDashboard({ ctx }: { ctx: Ctx }): Promise<AdminDashboard> {
  const me = teamMemberOf(ctx);
  const isAdmin = me.kind === 'admin';
  return transact(ctx, async ({ tx }) => {
    const recent = await tx
      .select({ id: projects.id, name: projects.name, status: projects.status, deadline: projects.deadline })
      .from(projects)
      .where(sql`${projects.status} <> 'archived'`)
      .orderBy(sql`${projects.updatedAt} desc`, projects.id)
      .limit(RECENT_PROJECTS);
    const [active] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(projects)
      .where(sql`${projects.status} = 'active'`);
    if (!isAdmin) {
      return {
        role: 'staff' as const,
        checklist: null,
        counts: { clients: null, activeProjects: active?.n ?? 0, invitationsPending: null },
        projects: recent,
      };
    }
    const rows = await tx.execute(sql`select
      ${exists(sql`select 1 from app.activity a where a.verb = 'email.delivery_test' and a.data->>'ok' = 'true'`)} as email_tested,
      ${exists(sql`select 1 from app.users u where u.role = 'client' and u.password_hash is not null`)} as client_accepted,
      ${exists(sql`select 1 from app.users u where u.role = 'client' and cardinality(u.permissions) > 0`)} as permissions_set,
      ${exists(sql`select 1 from app.project_clients pc`)} as client_assigned,
      ${exists(sql`select 1 from app.tasks t where t.client_visible and t.archived_at is null`)} as task_shared,
      ${exists(
        sql`select 1 from app.files f where (f.message_id is null and f.client_visible)
          or f.message_id in (select m.id from app.messages m where m.client_visible and m.deleted_at is null)`,
      )} as file_shared,
      ${exists(
        sql`select 1 from app.thread_participants tp join app.users u on u.tenant_id = tp.tenant_id and u.id = tp.user_id
          where u.role = 'client'`,
      )} as conversation_started,
      ${exists(sql`select 1 from app.review_entries e where e.kind = 'round'`)} as review_requested,
      ${exists(sql`select 1 from app.invoices i where i.issued_at is not null`)} as invoice_sent,
      ${exists(sql`select 1 from app.payment_gateways g where g.ready and g.offered`)} as payments_connected,
      ${exists(
        sql`select 1 from app.branding b where b.logo_sha256 is not null
          or lower(coalesce(b.primary_color, ${DEFAULT_PRIMARY})) <> ${DEFAULT_PRIMARY}
          or lower(coalesce(b.accent_color, ${DEFAULT_ACCENT})) <> ${DEFAULT_ACCENT}`,
      )} as branding_applied,
      ${exists(sql`select 1 from app.activity a where a.verb = 'client.preview'`)} as portal_previewed,
      ${exists(sql`select 1 from app.two_factor tf where tf.user_id = ${me.userId} and tf.enabled_at is not null`)} as two_factor_on,
      (select count(*)::int from app.users u where u.role = 'client' and u.status = 'active') as clients,
      (select count(*)::int from app.users u
        where u.role = 'client' and u.status = 'active' and u.password_hash is null) as invitations_pending`);
    const state = rowsOf<Record<ChecklistKey, boolean> & { clients: number; invitations_pending: number }>(
      rows,
    )[0];
    const items = ORDER.map((key) => ({ key, ...LABELS[key], done: Boolean(state?.[key]) }));
    return {
      role: 'admin' as const,
      checklist: items.every((item) => item.done) ? null : items,
      counts: {
        clients: Number(state?.clients ?? 0),
        activeProjects: active?.n ?? 0,
        invitationsPending: Number(state?.invitations_pending ?? 0),
      },
      projects: recent,
    };
  });
}
