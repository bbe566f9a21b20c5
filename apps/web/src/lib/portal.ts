import type { PortalFeedEntry, PortalProjectStatus, PortalTaskKind } from '@foyer/core';

export const STATUS_LABELS: Record<PortalProjectStatus, string> = {
  active: 'Active',
  on_hold: 'On hold',
  completed: 'Completed',
};

export const KIND_LABELS: Record<PortalTaskKind, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  review: 'In review',
  done: 'Done',
};

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A 'YYYY-MM-DD' date as people read it ("30 Jun 2026"); the day is the same everywhere. */
export function calendarDate(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** A share 0–1 as a whole percentage. */
export function percent(progress: number): number {
  return Math.round(progress * 100);
}

/** What a feed entry says, in plain words. Unknown kinds (from later areas) read generically. */
export function feedText(entry: PortalFeedEntry): string {
  const project = entry.projectName;
  switch (entry.kind) {
    case 'project.created':
      return `${project} was set up`;
    case 'project.status': {
      const to = entry.data.to;
      if (to === 'active' || to === 'on_hold' || to === 'completed') {
        return to === 'active'
          ? `${project} is active again`
          : `${project} is now ${STATUS_LABELS[to].toLowerCase()}`;
      }
      return `${project} changed status`;
    }
    case 'project.assigned':
      return entry.personal ? `You were added to ${project}` : `${project} has a new member`;
    default:
      return `${project} was updated`;
  }
}
