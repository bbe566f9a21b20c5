import type { PortalFeedEntry, PortalTaskKind, TaskPriority } from '@foyer/core';
import { statusLabel } from './projects';

export const KIND_LABELS: Record<PortalTaskKind, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  review: 'In review',
  done: 'Done',
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  none: 'No',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
};

/** A share 0–1 as a whole percentage. */
export function percent(progress: number): number {
  return Math.round(progress * 100);
}

/** What a feed entry says, in plain words. Unknown kinds (from later areas) read generically. */
export function feedText(entry: PortalFeedEntry): string {
  const project = entry.projectName;
  switch (entry.kind) {
    case 'task.shared': {
      const title = typeof entry.data.title === 'string' ? entry.data.title : null;
      return title ? `Task “${title}” shared in ${project}` : `A task was shared in ${project}`;
    }
    case 'comment.shared': {
      const who = entry.actorName || 'Someone';
      const title = typeof entry.data.taskTitle === 'string' ? entry.data.taskTitle : null;
      return title
        ? `${who} commented on “${title}” in ${project}`
        : `${who} commented on a task in ${project}`;
    }
    case 'project.created':
      return `${project} was set up`;
    case 'project.status': {
      const to = entry.data.to;
      if (to === 'active' || to === 'on_hold' || to === 'completed') {
        return to === 'active'
          ? `${project} is active again`
          : `${project} is now ${statusLabel(to).toLowerCase()}`;
      }
      return `${project} changed status`;
    }
    case 'project.assigned':
      return entry.personal ? `You were added to ${project}` : `${project} has a new member`;
    case 'milestone.shared': {
      const name = typeof entry.data.name === 'string' ? entry.data.name : null;
      return name ? `Milestone “${name}” added to ${project}` : `A milestone was added to ${project}`;
    }
    default:
      return `${project} was updated`;
  }
}

/** Where a feed entry leads: the task it is about (shared, or commented on), else its project. */
export function feedLink(entry: PortalFeedEntry): string {
  if ((entry.kind === 'task.shared' || entry.kind === 'comment.shared') && entry.taskId)
    return `/tasks/${entry.taskId}`;
  return `/projects/${entry.projectId}`;
}
