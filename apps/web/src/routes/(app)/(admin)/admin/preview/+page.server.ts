import { previewCandidates, startPreview } from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm } from '$lib/server/forms';
import { clearPreviewCookie, readPreviewCookie, setPreviewCookie } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/**
 * Preview as client. Starting checks the client and records the admin's own audit entry, then
 * keeps the client in a cookie: the portal's pages then run as that client, read-only (see
 * hooks.server.ts). The clients page starts it with a form posting `clientId` to `?/start`.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
  const q = (url.searchParams.get('q') ?? '').slice(0, 200);
  const { clients, more } = await previewCandidates({ ctx: locals.ctx, input: { q } });
  return { clients, more, q };
};

export const actions: Actions = {
  start: async ({ request, locals, cookies, platform }) => {
    const clientId = field(await readForm(request), 'clientId');
    let target: Awaited<ReturnType<typeof startPreview>>;
    try {
      target = await startPreview({ ctx: locals.ctx, input: { clientId } });
    } catch (error) {
      return coreErrorToFail(error, { clientId });
    }
    setPreviewCookie(cookies, platform, target.userId, locals.ctx.deps.now());
    redirect(303, '/');
  },
  stop: async ({ cookies, platform }) => {
    const clientId = readPreviewCookie(cookies, platform);
    clearPreviewCookie(cookies, platform);
    // Back to the client the preview showed (the id was only ever an admin's choice).
    redirect(
      303,
      clientId && /^[0-9a-f-]{36}$/i.test(clientId) ? `/admin/clients/${clientId}` : '/admin/clients',
    );
  },
};
