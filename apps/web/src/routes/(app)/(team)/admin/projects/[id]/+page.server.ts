import {
  assignClients,
  assignStaff,
  CoreError,
  getProject,
  listConversations,
  projectAssignables,
  projectAudience,
  unassignClient,
  unassignStaff,
  updateProject,
} from '@foyer/core';
import { error } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { removeClientQuestion, removeStaffQuestion } from './confirm-remove';

/** A project this person may not see, or an id that names none, is simply not there. */
function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation')) error(404);
  throw cause;
}

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const projectId = event.params.id;
  const isAdmin = person(event.locals).user.role === 'admin';
  const detail = await getProject({ ctx, input: { projectId } }).catch(notFoundAs404);
  const [choices, audience] = isAdmin
    ? await Promise.all([projectAssignables({ ctx }), projectAudience({ ctx, input: { projectId } })])
    : [null, null];
  const discussions = await listConversations({ ctx, input: { kind: 'project', projectId } });
  return {
    ...detail,
    choices,
    audience,
    isAdmin,
    discussions,
    now: ctx.deps.now(),
    created: event.url.searchParams.has('created'),
  };
};

/** Which panel an answer belongs to, so it is shown beside the right form. */
type Section = 'overview' | 'status' | 'clients' | 'staff';

/** Every change here is an admin's; staff get 404, as on the admin pages. */
async function adminForm(event: RequestEvent): Promise<FormData> {
  if (person(event.locals).user.role !== 'admin') error(404);
  return readForm(event.request);
}

const ids = (form: FormData, name: string) =>
  form.getAll(name).filter((value): value is string => typeof value === 'string' && value !== '');

async function names(event: RequestEvent) {
  const detail = await getProject({ ctx: event.locals.ctx, input: { projectId: event.params.id } }).catch(
    notFoundAs404,
  );
  return detail;
}

export const actions: Actions = {
  update: async (event) => {
    const form = await adminForm(event);
    const input = {
      name: field(form, 'name'),
      description: field(form, 'description'),
      startDate: field(form, 'startDate'),
      deadline: field(form, 'deadline'),
      companyId: field(form, 'companyId'),
      tasksVisibleByDefault: form.has('tasksVisibleByDefault'),
    };
    try {
      await updateProject({ ctx: event.locals.ctx, input: { projectId: event.params.id, ...input } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'overview' as Section, ...input });
    }
    return { section: 'overview' as Section, notice: 'Project details saved.' };
  },

  status: async (event) => {
    const form = await adminForm(event);
    const status = field(form, 'status');
    try {
      await updateProject({ ctx: event.locals.ctx, input: { projectId: event.params.id, status: status } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'status' as Section });
    }
    return {
      section: 'status' as Section,
      notice:
        status === 'archived'
          ? 'The project is archived: clients no longer see it.'
          : 'Status changed. Clients on the project see it in their recent activity.',
    };
  },

  assignClients: async (event) => {
    const form = await adminForm(event);
    const userIds = ids(form, 'userIds');
    const companyId = field(form, 'companyId');
    let added: string[];
    try {
      ({ added } = await assignClients({
        ctx: event.locals.ctx,
        input: { projectId: event.params.id, userIds, companyId },
      }));
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'clients' as Section });
    }
    const notice =
      added.length === 0
        ? 'They were already on this project.'
        : added.length === 1
          ? 'Client added. They can see the project now and we’ve let them know.'
          : `${added.length} clients added. We’ve let each of them know.`;
    return { section: 'clients' as Section, notice };
  },

  unassignClient: async (event) => {
    const form = await adminForm(event);
    const userId = field(form, 'userId');
    if (!isConfirmed(form)) {
      const detail = await names(event);
      const name = detail.clients.find((c) => c.id === userId)?.name ?? 'This client';
      return {
        section: 'clients' as Section,
        confirm: {
          action: '?/unassignClient',
          fields: { userId },
          ...removeClientQuestion(name, detail.project.name),
        },
      };
    }
    try {
      await unassignClient({ ctx: event.locals.ctx, input: { projectId: event.params.id, userId } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'clients' as Section });
    }
    return { section: 'clients' as Section, notice: 'Client removed from the project.' };
  },

  assignStaff: async (event) => {
    const form = await adminForm(event);
    const userIds = ids(form, 'userIds');
    try {
      await assignStaff({ ctx: event.locals.ctx, input: { projectId: event.params.id, userIds } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'staff' as Section });
    }
    return { section: 'staff' as Section, notice: 'Added to the project.' };
  },

  unassignStaff: async (event) => {
    const form = await adminForm(event);
    const userId = field(form, 'userId');
    if (!isConfirmed(form)) {
      const detail = await names(event);
      const name = detail.staff.find((s) => s.id === userId)?.name ?? 'This team member';
      return {
        section: 'staff' as Section,
        confirm: {
          action: '?/unassignStaff',
          fields: { userId },
          ...removeStaffQuestion(name, detail.project.name),
        },
      };
    }
    try {
      await unassignStaff({ ctx: event.locals.ctx, input: { projectId: event.params.id, userId } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'staff' as Section });
    }
    return { section: 'staff' as Section, notice: 'Removed from the project.' };
  },
};
