import {
  type ConversationKind,
  CoreError,
  conversationCandidates,
  listProjects,
  startConversation,
} from '@foyer/core';
import { redirect } from '@sveltejs/kit';
import { isKind } from '$lib/conversations';
import { coreErrorToFail } from '$lib/server/errors';
import { field, readForm, trimmed } from '$lib/server/forms';
import { person } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A new conversation in two steps that work without JavaScript: the kind and project (a GET form,
 * which decides who may take part), then the title, people and first message. With JavaScript the
 * first step reloads as it changes, keeping what was typed.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
  const { ctx } = locals;
  const me = person(locals).user.id;
  const rawKind = url.searchParams.get('kind');
  const kind: ConversationKind = isKind(rawKind) ? rawKind : 'project';
  const rawProject = url.searchParams.get('project') ?? '';
  const projectId = UUID.test(rawProject) ? rawProject : null;
  const { projects } = await listProjects({ ctx, input: { limit: 100 } });
  const project = projectId ? (projects.find((candidate) => candidate.id === projectId) ?? null) : null;
  // A project discussion needs its project first; the others can pick people at once.
  const candidates =
    kind === 'project' && !project
      ? null
      : await conversationCandidates({ ctx, input: { kind, projectId: project?.id } }).catch(
          (cause: unknown) => {
            if (cause instanceof CoreError && (cause.code === 'not_found' || cause.code === 'validation'))
              return null;
            throw cause;
          },
        );
  return {
    kind,
    projectId: project?.id ?? null,
    projects: projects.map(({ id, name }) => ({ id, name })),
    // The one starting it is in it already.
    candidates: candidates?.filter((chip) => chip.id !== me) ?? null,
  };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const form = await readForm(request);
    const rawKind = field(form, 'kind');
    const kind: ConversationKind = isKind(rawKind) ? rawKind : 'project';
    const title = trimmed(form, 'title');
    const projectId = field(form, 'projectId') || undefined;
    const people = form.getAll('people').filter((value): value is string => typeof value === 'string');
    const body = field(form, 'body');
    let id: string;
    try {
      ({ id } = await startConversation({
        ctx: locals.ctx,
        input: { kind, title, projectId, people, body: body.trim() ? body : undefined },
      }));
    } catch (cause) {
      return coreErrorToFail(cause, { title, body, people });
    }
    redirect(303, `/admin/messages/${id}`);
  },
};
