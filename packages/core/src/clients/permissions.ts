import { schema } from '@foyer/db';
import { z } from 'zod';

export type ClientPermission = (typeof schema.clientPermissions)[number];

/** The client permissions, in the order the product shows them (ARCHITECTURE.md's client wall). */
export const CLIENT_PERMISSIONS: readonly ClientPermission[] = schema.clientPermissions;

export interface PermissionInfo {
  key: ClientPermission;
  /** The switch's label. */
  label: string;
  /** What turning it on lets the client do, in plain words. */
  description: string;
}

export const PERMISSION_INFO: readonly PermissionInfo[] = [
  {
    key: 'projects',
    label: 'Projects',
    description: 'See the projects they are assigned to: status, progress and overview.',
  },
  { key: 'tasks.view', label: 'See tasks', description: 'See the tasks you mark client-visible.' },
  {
    key: 'tasks.comment',
    label: 'Comment on tasks',
    description: 'Read and post comments on the tasks they can see.',
  },
  {
    key: 'review',
    label: 'Review and approve',
    description: 'Approve deliverables or ask for revisions.',
  },
  { key: 'files.download', label: 'Download files', description: 'See and download files you share.' },
  { key: 'files.upload', label: 'Upload files', description: 'Send you files on their projects.' },
  {
    key: 'invoices',
    label: 'Invoices and payments',
    description: 'See invoices addressed to them and pay them.',
  },
  { key: 'messages', label: 'Messages', description: 'Take part in the conversations they are included in.' },
];

export interface PermissionPreset {
  key: 'full_retainer' | 'one_off' | 'reviewer';
  label: string;
  description: string;
  permissions: readonly ClientPermission[];
}

/** The guide's examples of access levels, as one-click presets. */
export const PERMISSION_PRESETS: readonly PermissionPreset[] = [
  {
    key: 'full_retainer',
    label: 'Full retainer',
    description: 'Works with you every month: everything, including review and chat.',
    permissions: CLIENT_PERMISSIONS,
  },
  {
    key: 'one_off',
    label: 'One-off',
    description: 'Project status, final files and their invoice.',
    permissions: ['projects', 'files.download', 'invoices'],
  },
  {
    key: 'reviewer',
    label: 'Reviewer',
    description: 'Sees the project overview and its files, and signs off work.',
    permissions: ['projects', 'tasks.view', 'review', 'files.download'],
  },
];

/** What a new client gets unless the admin chooses otherwise: the guide's recommendations. */
export const DEFAULT_CLIENT_PERMISSIONS: readonly ClientPermission[] = [
  'projects',
  'tasks.view',
  'tasks.comment',
  'files.download',
  'invoices',
  'messages',
];

/** Known permissions in canonical order, without repeats; anything else is refused. */
export const permissionsInput = z
  .array(z.enum(schema.clientPermissions, 'That is not a client permission.'))
  .max(CLIENT_PERMISSIONS.length * 2)
  .transform((list) => CLIENT_PERMISSIONS.filter((p) => list.includes(p)));

/** The preset these permissions match exactly, if any. */
export function presetOf(permissions: readonly string[]): PermissionPreset | null {
  const set = new Set(permissions);
  return (
    PERMISSION_PRESETS.find(
      (preset) => preset.permissions.length === set.size && preset.permissions.every((p) => set.has(p)),
    ) ?? null
  );
}

/**
 * What a client with these permissions will see, in plain words, one sentence per line: the
 * summary shown beside the switches and in "why can't my client see this?".
 */
export function permissionSummary(permissions: readonly string[]): string[] {
  const has = (p: ClientPermission) => permissions.includes(p);
  if (!has('projects')) {
    return [
      'Sees no projects: with Projects off, the portal shows only their account and the agency’s contact details.',
    ];
  }
  const lines = ['Sees the projects they are assigned to, with status and progress.'];
  if (has('tasks.view'))
    lines.push(
      has('tasks.comment')
        ? 'Sees client-visible tasks and comments on them.'
        : 'Sees client-visible tasks, without commenting.',
    );
  else lines.push('Sees no tasks.');
  if (has('review')) lines.push('Can approve work or ask for revisions when you request a review.');
  if (has('files.download') && has('files.upload'))
    lines.push('Downloads shared files and uploads their own.');
  else if (has('files.download')) lines.push('Downloads the files you share, without uploading.');
  else if (has('files.upload')) lines.push('Uploads files, but sees only their own uploads.');
  else lines.push('Sees no files.');
  lines.push(has('invoices') ? 'Sees and pays invoices addressed to them.' : 'Sees no invoices.');
  lines.push(has('messages') ? 'Takes part in conversations they are included in.' : 'Has no messages.');
  return lines;
}
