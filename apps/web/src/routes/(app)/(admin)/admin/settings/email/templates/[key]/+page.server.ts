import {
  CoreError,
  getEmailSettings,
  getEmailTemplate,
  inputs,
  previewEmailTemplate,
  resetEmailTemplate,
  saveEmailTemplate,
  sendTemplateTest,
} from '@foyer/core';
import { error } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { parseForm } from '$lib/server/forms';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { resetTemplate as askReset } from './confirm-reset';

function notFoundAs404(cause: unknown): never {
  if (cause instanceof CoreError && cause.code === 'not_found') error(404);
  throw cause;
}

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const [template, settings] = await Promise.all([
    getEmailTemplate({ ctx, input: { key: event.params.key } }).catch(notFoundAs404),
    getEmailSettings({ ctx }),
  ]);
  // The saved text always renders; the browser asks for new previews as the text changes.
  const preview = await previewEmailTemplate({
    ctx,
    input: { key: template.key, subject: template.subject, body: template.body },
  }).catch(() => null);
  return {
    template,
    preview,
    sender: settings.senderName || settings.defaultSenderName,
    myEmail: person(event.locals).user.email,
    now: ctx.deps.now(),
  };
};

/** Which message an answer carries: it is shown next to the part of the page it is about. */
type Section = 'editor' | 'preview' | 'reset';

async function setup(event: RequestEvent) {
  const { ctx } = event.locals;
  // Core trims the subject and normalises the body's line endings.
  const input = await parseForm(event.request, inputs.templateContentInput, (raw) => ({
    section: 'editor' as Section,
    subject: String(raw.subject),
    body: String(raw.body),
  }));
  return { ctx, input };
}

export const actions: Actions = {
  save: async (event) => {
    const { ctx, input } = await setup(event);
    if (!input.ok) return input.failure;
    const content = input.data;
    try {
      await saveEmailTemplate({ ctx, input: { key: event.params.key, ...content } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'editor' as Section, ...content });
    }
    return { section: 'editor' as Section, notice: 'Template saved. New emails use it from now on.' };
  },

  /** Renders what is in the editor; the page calls it as you type, or the Preview button without script. */
  preview: async (event) => {
    const { ctx, input } = await setup(event);
    if (!input.ok) return input.failure;
    const content = input.data;
    try {
      const preview = await previewEmailTemplate({ ctx, input: { key: event.params.key, ...content } });
      return { section: 'preview' as Section, preview, ...content };
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'preview' as Section, ...content });
    }
  },

  test: async (event) => {
    const { ctx, input } = await setup(event);
    if (!input.ok) return input.failure;
    const content = input.data;
    try {
      const result = await sendTemplateTest({ ctx, input: { key: event.params.key, ...content } });
      return { section: 'editor' as Section, result, ...content };
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'editor' as Section, ...content });
    }
  },

  reset: async (event) => {
    const { ctx } = event.locals;
    const input = await parseForm(event.request, inputs.confirmInput, () => ({
      section: 'reset' as Section,
    }));
    if (!input.ok) return input.failure;
    if (!input.data.confirmed) {
      const { name } = await getEmailTemplate({ ctx, input: { key: event.params.key } }).catch(notFoundAs404);
      return {
        section: 'reset' as Section,
        confirm: { action: '?/reset', fields: {}, ...askReset(name) },
      };
    }
    try {
      await resetEmailTemplate({ ctx, input: { key: event.params.key } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'reset' as Section });
    }
    return { section: 'reset' as Section, notice: 'Back to the default text.' };
  },
};
