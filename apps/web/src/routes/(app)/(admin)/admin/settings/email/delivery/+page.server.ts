import {
  addSendingDomain,
  checkSendingDomain,
  getEmailSettings,
  getSendingDomain,
  inputs,
  removeSendingDomain,
  saveDeliverySettings,
  sendDeliveryTest,
} from '@foyer/core';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';
import { removeSendingDomainQuestion } from './sending-domain';

export const load: PageServerLoad = async ({ locals }) => {
  const { ctx } = locals;
  const [settings, sending] = await Promise.all([getEmailSettings({ ctx }), getSendingDomain({ ctx })]);
  return { settings, sending, myEmail: person(locals).user.email };
};

/** Which panel an answer belongs to. */
type Section = 'delivery' | 'test' | 'domain';

export const actions: Actions = {
  save: async (event) => {
    const { ctx } = event.locals;
    // Everything but the password is echoed back on an error, so nothing typed is lost.
    const echoOf = (raw: Record<string, unknown>) => ({
      section: 'delivery' as Section,
      delivery: String(raw.delivery ?? ''),
      host: String(raw.host ?? ''),
      port: String(raw.port ?? ''),
      security: String(raw.security ?? ''),
      username: String(raw.username ?? ''),
      fromAddress: String(raw.fromAddress ?? ''),
      forgetPassword: raw.forgetPassword === 'yes' || raw.forgetPassword === true,
    });
    const input = await parseForm(event.request, inputs.deliveryInput, echoOf);
    if (!input.ok) return input.failure;
    const echo = echoOf(input.data);
    try {
      const saved = await saveDeliverySettings({
        ctx,
        input: { ...echo, password: input.data.password },
      });
      return {
        section: 'delivery' as Section,
        notice:
          saved.delivery === 'smtp'
            ? `Saved. Email now goes out through ${saved.smtp.host}. Send a test to make sure it arrives.`
            : 'Saved. Email now goes out through the built-in sending service.',
      };
    } catch (error) {
      return coreErrorToFail(error, echo);
    }
  },

  test: async (event) => {
    const { ctx } = event.locals;
    try {
      const result = await sendDeliveryTest({ ctx });
      return { section: 'test' as Section, result };
    } catch (error) {
      return coreErrorToFail(error, { section: 'test' as Section });
    }
  },

  addDomain: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.sendingDomainInput, (raw) => ({
      section: 'domain' as Section,
      domain: String(raw.domain),
    }));
    if (!input.ok) return input.failure;
    const echo = { section: 'domain' as Section, domain: input.data.domain };
    try {
      const state = await addSendingDomain({ ctx, input: { domain: echo.domain } });
      return {
        section: 'domain' as Section,
        notice: `${state.domain?.domain ?? echo.domain} was added. Create the DNS records below, then check verification.`,
      };
    } catch (error) {
      return coreErrorToFail(error, echo);
    }
  },

  checkDomain: async (event) => {
    const { ctx } = event.locals;
    try {
      const state = await checkSendingDomain({ ctx });
      const domain = state.domain;
      return {
        section: 'domain' as Section,
        notice: domain?.verified
          ? `${domain.domain} is verified. Email now comes from ${domain.address}.`
          : 'Not verified yet. DNS changes can take a while to be seen; check again in a few minutes.',
        verified: domain?.verified ?? false,
      };
    } catch (error) {
      return coreErrorToFail(error, { section: 'domain' as Section });
    }
  },

  removeDomain: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.confirmInput, () => ({
      section: 'domain' as Section,
    }));
    if (!input.ok) return input.failure;
    if (!input.data.confirmed) {
      const sending = await getSendingDomain({ ctx });
      if (sending.domain) {
        return {
          section: 'domain' as Section,
          confirm: {
            action: '?/removeDomain',
            fields: {},
            ...removeSendingDomainQuestion(sending.domain.domain),
          },
        };
      }
    }
    try {
      await removeSendingDomain({ ctx });
      return { section: 'domain' as Section, notice: 'The sending domain was removed.' };
    } catch (error) {
      return coreErrorToFail(error, { section: 'domain' as Section });
    }
  },
};
