import { addClient, DEFAULT_CLIENT_PERMISSIONS, listCompanies, workspaceSendingStatus } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { permissionChoices } from '$lib/server/client-permissions';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm, trimmed } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const [companies, sending] = await Promise.all([listCompanies({ ctx }), workspaceSendingStatus({ ctx })]);
  return {
    companies: companies.map((c) => c.name),
    choices: permissionChoices(),
    defaults: [...DEFAULT_CLIENT_PERMISSIONS] as string[],
    sending,
    // From a company's page: the new contact joins that company unless the admin changes it.
    company: (url.searchParams.get('company') ?? '').slice(0, 200),
  };
};

export const actions: Actions = {
  default: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const details = {
      name: trimmed(form, 'name'),
      email: trimmed(form, 'email'),
      company: trimmed(form, 'company'),
      phone: trimmed(form, 'phone'),
      address: field(form, 'address'),
      notes: field(form, 'notes'),
    };
    const permissions = form.getAll('permissions').filter((v): v is string => typeof v === 'string');
    let added: { id: string };
    try {
      added = await addClient({ ctx, input: { ...details, permissions } });
    } catch (error) {
      return coreErrorToFail(error, { ...details, permissions });
    }
    redirect(303, `/admin/clients/${added.id}?added=1`);
  },
};
