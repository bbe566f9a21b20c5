import { and, eq, schema } from '@foyer/db';
import { type Ctx, teamMemberOf, transact } from '../ctx';
import { CoreError } from '../errors';
import { parseInput } from '../input';
import { accountReasons, clientsOnProject } from '../tasks/audience';
import { FILE_NOT_FOUND, TEAM_ONLY } from './common';
import { fileIdInput } from './files';

const { files, projects } = schema;

export type FileAudienceReason =
  | 'visible'
  | 'own'
  | 'internal'
  | 'archived'
  | 'download_off'
  | 'projects_off'
  | 'deactivated'
  | 'invited';

export interface FileAudienceClient {
  id: string;
  name: string;
  companyName: string;
  canSee: boolean;
  /** Why they see it ('visible', or 'own' for their own upload), or the first reason they don't. */
  reason: FileAudienceReason;
  reasons: Exclude<FileAudienceReason, 'visible' | 'own'>[];
}

/** Sentences for the "who can see this" panel, by reason. */
export const FILE_AUDIENCE_REASONS: Record<FileAudienceReason, string> = {
  visible: 'Sees this file.',
  own: 'Sees it: they uploaded it.',
  internal: 'The file is internal.',
  archived: 'The project is archived.',
  download_off: 'The Files download permission is off.',
  projects_off: 'The Projects permission is off, so they see no projects at all.',
  deactivated: 'Deactivated: they can’t sign in.',
  invited: 'Hasn’t accepted the invitation yet (will see it once they do).',
};

/**
 * "Who can see this file": each client on its project, whether they see it now and if not why,
 * by the rules the files policy applies (their own uploads they see with either files permission).
 */
export async function fileAudience({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<FileAudienceClient[]> {
  teamMemberOf(ctx, TEAM_ONLY);
  const { id: fileId } = parseInput(fileIdInput, input);
  return transact(ctx, async ({ tx }) => {
    const [file] = await tx
      .select({
        projectId: files.projectId,
        clientVisible: files.clientVisible,
        uploadedBy: files.uploadedBy,
        projectStatus: projects.status,
      })
      .from(files)
      .innerJoin(projects, and(eq(projects.tenantId, files.tenantId), eq(projects.id, files.projectId)))
      .where(eq(files.id, fileId));
    // A direct conversation's attachment has no project (and no project audience).
    if (!file?.projectId) throw new CoreError('not_found', FILE_NOT_FOUND);
    const people = await clientsOnProject(tx, file.projectId);
    return people.map((person) => {
      const own = person.id === file.uploadedBy;
      const reasons: FileAudienceClient['reasons'] = accountReasons(person);
      if (file.projectStatus === 'archived') reasons.push('archived');
      if (own) {
        if (!person.permissions.includes('files.download') && !person.permissions.includes('files.upload'))
          reasons.push('download_off');
      } else {
        if (!person.permissions.includes('files.download')) reasons.push('download_off');
        if (!file.clientVisible) reasons.push('internal');
      }
      return {
        id: person.id,
        name: person.name,
        companyName: person.companyName ?? '',
        canSee: reasons.length === 0,
        reason: reasons[0] ?? (own ? 'own' : 'visible'),
        reasons,
      };
    });
  });
}
