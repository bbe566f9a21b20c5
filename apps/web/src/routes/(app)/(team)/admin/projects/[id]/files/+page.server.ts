import {
  createFolder,
  deleteFiles,
  deleteFolder,
  listFiles,
  listFolders,
  moveFiles,
  renameFolder,
  setFilesDefault,
  setFileVisibility,
  storageUsage,
} from '@foyer/core';
import { error, fail, redirect } from '@sveltejs/kit';
import { readFilesQuery } from '$lib/files-query';
import { coreErrorToFail } from '$lib/server/errors';
import { notFoundAs404 } from '$lib/server/files';
import { field, isConfirmed, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { ctx } = event.locals;
  const query = readFilesQuery(event.url.searchParams);
  const area = await listFiles({
    ctx,
    input: {
      projectId: event.params.id,
      folderId: query.folder,
      q: query.q,
      sort: query.sort,
      dir: query.dir,
      group: query.group,
      visibility: query.visibility,
      page: query.page,
    },
  }).catch(notFoundAs404);
  const folders = await listFolders({ ctx, input: { projectId: event.params.id } });
  // The workspace's storage, for admins: how much is used of the cap, with the way to the details.
  const usage = ctx.actor?.kind === 'admin' ? await storageUsage({ ctx }) : null;
  return { area, query, folders, usage, uploads: ctx.deps.files.uploads, now: ctx.deps.now() };
};

/** The ticked files of the bulk form. */
const ticked = (form: FormData) =>
  form.getAll('ids').filter((value): value is string => typeof value === 'string');

export const actions: Actions = {
  folder: async (event) => {
    const form = await readForm(event.request);
    const name = field(form, 'name');
    const parentId = field(form, 'parentId') || null;
    try {
      await createFolder({ ctx: event.locals.ctx, input: { projectId: event.params.id, parentId, name } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'folder', name });
    }
    return { section: 'folder', notice: `Folder “${name.trim()}” added.` };
  },

  renameFolder: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    const name = field(form, 'name');
    try {
      await renameFolder({ ctx: event.locals.ctx, input: { id, name } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: `folder:${id}`, name });
    }
    return { section: `folder:${id}`, notice: 'Folder renamed.' };
  },

  deleteFolder: async (event) => {
    const form = await readForm(event.request);
    const id = field(form, 'id');
    if (!isConfirmed(form))
      return fail(400, { section: `folder:${id}`, message: 'Confirm to delete the folder.' });
    try {
      const { files } = await deleteFolder({ ctx: event.locals.ctx, input: { id } });
      return {
        section: 'list',
        notice:
          files === 0 ? 'Folder deleted.' : `Folder deleted with ${files} ${files === 1 ? 'file' : 'files'}.`,
      };
    } catch (cause) {
      return coreErrorToFail(cause, { section: `folder:${id}` });
    }
  },

  bulk: async (event) => {
    const form = await readForm(event.request);
    const ids = ticked(form);
    const ctx = event.locals.ctx;
    const change = field(form, 'change');
    if (ids.length === 0) {
      return fail(400, {
        section: 'bulk',
        fields: { ids: 'Tick at least one file.' },
        message: 'Tick at least one file.',
      });
    }
    if (change === 'zip') {
      // Without JavaScript the zip choice posts here; the download itself is Hono's /files-zip.
      const query = new URLSearchParams({ project: event.params.id, ids: ids.join(',') });
      redirect(303, `/files-zip?${query}`);
    }
    try {
      if (change === 'share' || change === 'unshare') {
        const n = await setFileVisibility({ ctx, input: { ids, clientVisible: change === 'share' } });
        const what = `${n} ${n === 1 ? 'file' : 'files'}`;
        return {
          section: 'bulk',
          notice:
            change === 'share'
              ? n === 0
                ? 'Those files were already visible to clients.'
                : `${what} now visible to the project’s clients. They’ll get one notice within the hour.`
              : n === 0
                ? 'Those files were already internal.'
                : `${what} made internal.`,
        };
      }
      if (change === 'move') {
        const folderId = field(form, 'folderId') || null;
        const n = await moveFiles({ ctx, input: { ids, folderId } });
        return { section: 'bulk', notice: `${n} ${n === 1 ? 'file' : 'files'} moved.` };
      }
      if (change === 'delete') {
        if (!isConfirmed(form)) {
          return fail(400, { section: 'bulk', message: 'Confirm to delete the files.' });
        }
        const n = await deleteFiles({ ctx, input: { ids } });
        return { section: 'bulk', notice: `${n} ${n === 1 ? 'file' : 'files'} deleted.` };
      }
      return fail(400, {
        section: 'bulk',
        fields: { change: 'Choose what to do.' },
        message: 'Choose what to do.',
      });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'bulk' });
    }
  },

  setDefault: async (event) => {
    // The project's settings are the admins'; staff learn nothing of this action.
    if (event.locals.ctx.actor?.kind !== 'admin') error(404);
    const form = await readForm(event.request);
    const choice = field(form, 'clientVisible');
    if (choice !== 'yes' && choice !== 'no')
      return fail(400, { section: 'default', message: 'Choose visible or internal.' });
    const clientVisible = choice === 'yes';
    try {
      await setFilesDefault({ ctx: event.locals.ctx, input: { projectId: event.params.id, clientVisible } });
    } catch (cause) {
      return coreErrorToFail(cause, { section: 'default' });
    }
    return {
      section: 'default',
      notice: clientVisible
        ? 'New uploads now start visible to the project’s clients.'
        : 'New uploads now start internal.',
    };
  },
};
