import { describe, expect, it } from 'vitest';
import { isFiltered, isOverdue, readTaskQuery, taskFilters, taskFormInput, taskQueryHref } from './tasks';

const ID = '0b6c1e8e-4a43-4c1e-9d7b-3f1f5b8d2a10';

describe('readTaskQuery', () => {
  it('keeps known filters and drops what cannot be one', () => {
    const query = readTaskQuery(
      new URLSearchParams(
        `q=%20logo%20&status=${ID}&assignee=me&priority=urgent&due=soon&visibility=client&milestone=nope&page=-2&dir=up&sort=title`,
      ),
    );
    expect(query).toMatchObject({
      q: 'logo',
      status: ID,
      assignee: 'me',
      priority: 'urgent',
      due: '',
      visibility: 'client',
      milestone: '',
      page: 1,
      dir: '',
      sort: 'title',
      archived: false,
    });
  });

  it('turns into core filters, "me" as the signed-in member', () => {
    const query = readTaskQuery(new URLSearchParams(`assignee=me&status=${ID}&archived=1&page=3`));
    expect(taskFilters(query, 'me-id')).toEqual({
      page: 3,
      archived: true,
      assigneeId: 'me-id',
      statusIds: [ID],
    });
    expect(isFiltered(query)).toBe(true);
    expect(isFiltered(readTaskQuery(new URLSearchParams('sort=due&page=2')))).toBe(false);
  });

  it('writes the address back without defaults, so a filtered list is a short link', () => {
    const query = readTaskQuery(new URLSearchParams('visibility=internal&page=2'));
    expect(taskQueryHref('/t', query)).toBe('/t?visibility=internal&page=2');
    expect(taskQueryHref('/t', query, { page: 1 })).toBe('/t?visibility=internal');
    expect(taskQueryHref('/t', readTaskQuery(new URLSearchParams()))).toBe('/t');
  });
});

describe('isOverdue', () => {
  it('is late only before today and outside done columns', () => {
    expect(isOverdue({ dueDate: '2026-03-01', statusKind: 'todo' }, '2026-03-02')).toBe(true);
    expect(isOverdue({ dueDate: '2026-03-02', statusKind: 'todo' }, '2026-03-02')).toBe(false);
    expect(isOverdue({ dueDate: '2026-03-01', statusKind: 'done' }, '2026-03-02')).toBe(false);
    expect(isOverdue({ dueDate: null, statusKind: 'todo' }, '2026-03-02')).toBe(false);
  });
});

describe('taskFormInput', () => {
  const form = () => {
    const data = new FormData();
    data.set('title', '  Logo  ');
    data.set('dueDate', '');
    data.set('milestoneId', '');
    data.append('assigneeIds', 'a');
    data.append('assigneeIds', 'b');
    data.set('clientVisible', 'on');
    return data;
  };
  it('clears blank dates and milestones on edit, leaves them out on create', () => {
    expect(taskFormInput(form(), { clear: true })).toMatchObject({
      title: 'Logo',
      dueDate: null,
      milestoneId: null,
      assigneeIds: ['a', 'b'],
      clientVisible: true,
      priority: 'none',
    });
    expect(taskFormInput(form(), { clear: false })).toMatchObject({
      dueDate: undefined,
      milestoneId: undefined,
    });
  });
});
