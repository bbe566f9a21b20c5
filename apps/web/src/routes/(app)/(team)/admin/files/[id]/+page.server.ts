import {
  deleteFiles,
  FILE_AUDIENCE_REASONS,
  fileAudience,
  fileLink,
  getFile,
  listFolders,
  moveFiles,
  renameFile,
  setFileVisibility,
} from '@foyer/core';
import { fail, redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { notFoundAs404 } from '$lib/server/files';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const id = event.params.id;
  const detail = await getFile({ ctx, input: { id } }).catch(notFoundAs404);
  const [audience, folders, preview] = await Promise.all([
    fileAudience({ ctx, input: { id } }),
    listFolders({ ctx, input: { projectId: detail.project.id } }),
    detail.file.preview ? fileLink({ ctx, input: { id, disposition: 'inline' } }) : null,
  ]);
  return {
    ...detail,
    folders,
    previewUrl: preview?.url ?? null,
    audience: audience.map((client) => ({
      ...client,
      why: client.reasons.map((r) => FILE_AUDIENCE_REASONS[r]),
    })),
    uploads: ctx.deps.files.uploads,
    now: ctx.deps.now(),
  };
};

export const actions: Actions = {
  rename: async (event) => {
    const form = await readForm(event.request);
    const name = field(form, 'name');
    try {
      await renameFile({ ctx: event.locals.ctx, input: { id: event.params.id, name } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'rename', name });
    }
    return { section: 'rename', notice: 'File renamed.' };
  },

  move: async (event) => {
    const form = await readForm(event.request);
    try {
      await moveFiles({
        ctx: event.locals.ctx,
        input: { ids: [event.params.id], folderId: field(form, 'folderId') || null },
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'move' });
    }
    return { section: 'move', notice: 'File moved.' };
  },

  visibility: async (event) => {
    const form = await readForm(event.request);
    const choice = field(form, 'clientVisible');
    if (choice !== 'yes' && choice !== 'no')
      return fail(400, { section: 'visibility', message: 'Choose visible or internal.' });
    const clientVisible = choice === 'yes';
    try {
      await setFileVisibility({ ctx: event.locals.ctx, input: { ids: [event.params.id], clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'visibility' });
    }
    return {
      section: 'visibility',
      notice: clientVisible
        ? 'Visible to the project’s clients. They’ll get one notice within the hour.'
        : 'Internal: clients no longer see it.',
    };
  },

  delete: async (event) => {
    const form = await readForm(event.request);
    if (!isConfirmed(form)) return fail(400, { section: 'delete', message: 'Confirm to delete the file.' });
    const { ctx } = event.locals;
    const detail = await getFile({ ctx, input: { id: event.params.id } }).catch(notFoundAs404);
    try {
      await deleteFiles({ ctx, input: { ids: [event.params.id] } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'delete' });
    }
    redirect(303, `/admin/projects/${detail.project.id}/files?deleted=1`);
  },
};
