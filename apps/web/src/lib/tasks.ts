import type { TaskFilters, TaskPriority } from '@foyer/core';

/** Priorities as the team's pages name them, most urgent last (the order they are offered). */
export const PRIORITY_OPTIONS: readonly { value: TaskPriority; label: string }[] = [
  { value: 'none', label: 'No priority' },
  { value: 'low', label: 'Low' },
  { value: 'medium', label: 'Medium' },
  { value: 'high', label: 'High' },
  { value: 'urgent', label: 'Urgent' },
];

export function priorityLabel(priority: string): string {
  return PRIORITY_OPTIONS.find((option) => option.value === priority)?.label ?? priority;
}

export type DueFilter = 'overdue' | 'today' | 'week' | 'none';
export type TaskSort = 'board' | 'due' | 'priority' | 'title' | 'updated';

export const DUE_OPTIONS: readonly { value: DueFilter; label: string }[] = [
  { value: 'overdue', label: 'Overdue' },
  { value: 'today', label: 'Due today' },
  { value: 'week', label: 'Due within a week' },
  { value: 'none', label: 'No due date' },
];

export const SORT_OPTIONS: readonly { value: TaskSort; label: string }[] = [
  { value: 'board', label: 'Board order' },
  { value: 'due', label: 'Due date' },
  { value: 'priority', label: 'Priority' },
  { value: 'title', label: 'Title' },
  { value: 'updated', label: 'Last updated' },
];

/**
 * Whether a task is late: its due day has passed (`today` is 'YYYY-MM-DD', from the server so
 * that both sides agree) and it is not in a done column.
 */
export function isOverdue(task: { dueDate: string | null; statusKind: string }, today: string): boolean {
  return task.dueDate !== null && task.dueDate < today && task.statusKind !== 'done';
}

/** Today's calendar date, 'YYYY-MM-DD', in UTC (the day due dates are compared with). */
export function calendarToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The list's filters as they appear in the address, so that a filtered list is a link. */
export interface TaskQuery {
  q: string;
  status: string;
  assignee: string;
  priority: string;
  due: string;
  visibility: string;
  milestone: string;
  archived: boolean;
  sort: string;
  dir: string;
  page: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const oneOf = <T extends string>(values: readonly { value: T }[], value: string): T | '' =>
  (values.find((option) => option.value === value)?.value ?? '') as T | '';

/**
 * Reads the list's query parameters, dropping what cannot be a filter (an edited address is
 * shown unfiltered on that point rather than refused): ids must look like ids, options must be
 * known, the page a positive whole number.
 */
export function readTaskQuery(params: URLSearchParams): TaskQuery {
  const id = (name: string, extra: readonly string[] = []) => {
    const value = params.get(name) ?? '';
    return UUID.test(value) || extra.includes(value) ? value : '';
  };
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  const dir = params.get('dir') ?? '';
  return {
    q: (params.get('q') ?? '').trim().slice(0, 200),
    status: id('status'),
    assignee: id('assignee', ['none', 'me']),
    priority: oneOf(PRIORITY_OPTIONS, params.get('priority') ?? ''),
    due: oneOf(DUE_OPTIONS, params.get('due') ?? ''),
    visibility: oneOf([{ value: 'client' }, { value: 'internal' }] as const, params.get('visibility') ?? ''),
    milestone: id('milestone', ['none']),
    archived: params.get('archived') === '1',
    sort: oneOf(SORT_OPTIONS, params.get('sort') ?? ''),
    dir: dir === 'asc' || dir === 'desc' ? dir : '',
    page: Number.isFinite(page) && page > 0 && page < 100_000 ? page : 1,
  };
}

/** The filters core's listTasks takes, from the address's. */
export function taskFilters(query: TaskQuery, meId: string): TaskFilters {
  const filters: TaskFilters = { page: query.page, archived: query.archived };
  if (query.q) filters.q = query.q;
  if (query.status) filters.statusIds = [query.status];
  if (query.assignee) filters.assigneeId = query.assignee === 'me' ? meId : query.assignee;
  if (query.priority) filters.priorities = [query.priority as TaskPriority];
  if (query.due) filters.due = query.due;
  if (query.visibility) filters.visibility = query.visibility;
  if (query.milestone) filters.milestoneId = query.milestone;
  if (query.sort) filters.sort = query.sort;
  if (query.dir) filters.dir = query.dir;
  return filters;
}

/** The address of the list with `query`, changed by `change`; defaults are left out. */
export function taskQueryHref(path: string, query: TaskQuery, change: Partial<TaskQuery> = {}): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(next)) {
    if (key === 'archived') {
      if (value) params.set(key, '1');
    } else if (key === 'page') {
      if (value !== 1) params.set(key, String(value));
    } else if (value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Whether any filter narrows the list (sorting and the page do not). */
export function isFiltered(query: TaskQuery): boolean {
  return Boolean(
    query.q ||
      query.status ||
      query.assignee ||
      query.priority ||
      query.due ||
      query.visibility ||
      query.milestone ||
      query.archived,
  );
}

/** What the task's form posted, as core's task input (blank optional fields left out or cleared). */
export function taskFormInput(form: FormData, { clear }: { clear: boolean }) {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const optional = (name: string) => {
    const value = text(name).trim();
    return value === '' ? (clear ? null : undefined) : value;
  };
  return {
    title: text('title').trim(),
    description: text('description'),
    statusId: text('statusId') || undefined,
    priority: (text('priority') || 'none') as TaskPriority,
    dueDate: optional('dueDate'),
    milestoneId: optional('milestoneId'),
    assigneeIds: form.getAll('assigneeIds').filter((value): value is string => typeof value === 'string'),
    clientVisible: text('clientVisible') === 'on' || text('clientVisible') === 'true',
  };
}

/** What the task form starts with: the task's values, or a new task's defaults. */
export interface TaskFormValues {
  title: string;
  description: string;
  statusId: string;
  priority: string;
  dueDate: string;
  milestoneId: string;
  assigneeIds: string[];
  clientVisible: boolean;
}

/** What a refused task form echoes back, so nothing typed is lost. */
export function echoTaskForm(input: ReturnType<typeof taskFormInput>): TaskFormValues {
  return {
    ...input,
    statusId: input.statusId ?? '',
    dueDate: input.dueDate ?? '',
    milestoneId: input.milestoneId ?? '',
  };
}
