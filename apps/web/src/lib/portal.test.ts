import type { PortalFeedEntry } from '@foyer/core';
import { describe, expect, it } from 'vitest';
import { feedLink, feedText } from './portal';

const entry = (kind: string, more: Partial<PortalFeedEntry> = {}): PortalFeedEntry => ({
  id: 'e1',
  at: new Date(0),
  kind,
  projectId: 'p1',
  projectName: 'Website',
  actorName: 'Harbour Studio',
  data: {},
  personal: false,
  taskId: null,
  milestoneId: null,
  messageId: null,
  ...more,
});

describe('the client feed', () => {
  it('names shared tasks, milestones and comments, and links to the task', () => {
    const task = entry('task.shared', { taskId: 't1', data: { title: 'Logo' } });
    expect(feedText(task)).toBe('Task “Logo” shared in Website');
    expect(feedLink(task)).toBe('/tasks/t1');

    const comment = entry('comment.shared', {
      actorName: 'Acme',
      taskId: 't1',
      messageId: 'm1',
      data: { taskTitle: 'Logo' },
    });
    expect(feedText(comment)).toBe('Acme commented on “Logo” in Website');
    expect(feedLink(comment)).toBe('/tasks/t1');

    const milestone = entry('milestone.shared', { milestoneId: 'm1', data: { name: 'Launch' } });
    expect(feedText(milestone)).toBe('Milestone “Launch” added to Website');
    expect(feedLink(milestone)).toBe('/projects/p1');
  });

  it('reads generically when an entry lacks its details', () => {
    expect(feedText(entry('task.shared'))).toBe('A task was shared in Website');
    expect(feedText(entry('comment.shared', { actorName: null }))).toBe(
      'Someone commented on a task in Website',
    );
    expect(feedLink(entry('comment.shared'))).toBe('/projects/p1');
  });
});
