import { createProject, projectAssignables } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  return { choices: await projectAssignables({ ctx: locals.ctx }) };
};

const ids = (form: FormData, name: string) =>
  form.getAll(name).filter((value): value is string => typeof value === 'string');

export const actions: Actions = {
  default: async (event) => {
    const form = await readForm(event.request);
    const text = {
      name: field(form, 'name'),
      description: field(form, 'description'),
      status: field(form, 'status') || 'active',
      startDate: field(form, 'startDate'),
      deadline: field(form, 'deadline'),
      companyId: field(form, 'companyId'),
    };
    const lists = {
      clientIds: ids(form, 'clientIds'),
      companyIds: ids(form, 'companyIds'),
      staffIds: ids(form, 'staffIds'),
    };
    let created: { id: string };
    try {
      created = await createProject({ ctx: event.locals.ctx, input: { ...text, ...lists } });
    } catch (error) {
      // Echo what was typed and ticked, so nothing is lost.
      return coreErrorToFail(error, { ...text, ...lists });
    }
    redirect(303, `/admin/projects/${created.id}?created=1`);
  },
};
