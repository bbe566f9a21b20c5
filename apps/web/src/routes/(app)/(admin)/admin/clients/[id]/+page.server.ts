import {
  deactivateClient,
  getClient,
  listCompanies,
  reactivateClient,
  resendClientInvitation,
  setClientPermissions,
  updateClient,
  workspaceSendingStatus,
} from '@foyer/core';
import { permissionChoices } from '$lib/server/client-permissions';
import { coreErrorToFail } from '$lib/server/errors';
import { field, isConfirmed, readForm, trimmed } from '$lib/server/forms';
import { deactivateClientQuestion } from '../labels';
import { notFoundAs404 } from '../not-found';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const { ctx } = locals;
  const client = await getClient({ ctx, input: { clientId: params.id } }).catch(notFoundAs404);
  const [companies, sending] = await Promise.all([listCompanies({ ctx }), workspaceSendingStatus({ ctx })]);
  return {
    client,
    companies: companies.map((c) => c.name),
    choices: permissionChoices(),
    sending,
    added: url.searchParams.get('added') === '1',
    now: ctx.deps.now(),
  };
};

/** Which part of the page an answer belongs to, so it shows next to the right form. */
type Section = 'details' | 'permissions' | 'access' | 'invitation';

const clientId = (event: RequestEvent) => event.params.id;

export const actions: Actions = {
  update: async (event) => {
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
    try {
      await updateClient({ ctx, input: { clientId: clientId(event), ...details } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'details' as Section, ...details });
    }
    return { section: 'details' as Section, notice: 'Details saved.' };
  },

  permissions: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const permissions = form.getAll('permissions').filter((v): v is string => typeof v === 'string');
    try {
      await setClientPermissions({ ctx, input: { clientId: clientId(event), permissions } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'permissions' as Section, permissions });
    }
    return {
      section: 'permissions' as Section,
      notice: 'Permissions saved. They apply from the client’s next page.',
    };
  },

  deactivate: async (event) => {
    const { ctx } = event.locals;
    const form = await readForm(event.request);
    const id = clientId(event);
    if (!isConfirmed(form)) {
      const client = await getClient({ ctx, input: { clientId: id } }).catch(notFoundAs404);
      return {
        section: 'access' as Section,
        confirm: { action: '?/deactivate', fields: {}, ...deactivateClientQuestion(client.name) },
      };
    }
    try {
      await deactivateClient({ ctx, input: { clientId: id } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'access' as Section });
    }
    return { section: 'access' as Section, notice: 'Deactivated and signed out everywhere.' };
  },

  reactivate: async (event) => {
    const { ctx } = event.locals;
    try {
      await reactivateClient({ ctx, input: { clientId: clientId(event) } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'access' as Section });
    }
    return { section: 'access' as Section, notice: 'Reactivated: they can sign in again.' };
  },

  resend: async (event) => {
    const { ctx } = event.locals;
    try {
      await resendClientInvitation({ ctx, input: { clientId: clientId(event) } });
    } catch (error) {
      return coreErrorToFail(error, { section: 'invitation' as Section });
    }
    return {
      section: 'invitation' as Section,
      notice: 'A new invitation is on its way. The earlier link no longer works.',
    };
  },
};
