import { listClientTasks } from '@foyer/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';
import { notFound, problem } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const kinds = ['todo', 'in_progress', 'review', 'done'] as const;
const priorities = ['none', 'low', 'medium', 'high', 'urgent'] as const;

const ClientTask = z
  .object({
    id: z.string().uuid(),
    title: z.string(),
    statusName: z.string().openapi({ description: 'The name of the board column the task is in' }),
    statusKind: z.enum(kinds),
    progress: z.number().int().openapi({ description: '0, 33, 66 or 100, from the column’s kind' }),
    priority: z.enum(priorities),
    dueDate: z.string().nullable().openapi({ description: 'YYYY-MM-DD', example: '2026-05-01' }),
    milestoneId: z.string().uuid().nullable(),
    milestoneName: z.string().nullable(),
    assignees: z
      .array(z.string())
      .nullable()
      .openapi({ description: 'Names of the assignees; null when the agency does not show them to clients' }),
  })
  .openapi('ClientTask');

const route = createRoute({
  method: 'get',
  path: '/projects/{id}/tasks',
  summary: 'A project’s tasks',
  description:
    'For a client: the client-visible, unarchived tasks of a project they can see (none without the Tasks permission), in board order. For the team: the project’s unarchived tasks in the same shape. 404 for a project the person cannot see.',
  middleware: access('signed-in'),
  request: { params: z.object({ id: z.string().max(4096).openapi({ description: 'The project’s id' }) }) },
  responses: {
    200: {
      description: 'The tasks',
      content: { 'application/json': { schema: z.object({ items: z.array(ClientTask) }) } },
    },
    401: { description: 'Not signed in' },
    404: { description: 'No such project, or not one this person can see' },
  },
});

export function tasksRoute(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    // A malformed id names nothing: the same 404 as a project the person cannot see.
    if (!UUID.test(id)) return problem(c, notFound()) as never;
    // One transaction, whose first statement looks the session up and sets its context.
    const items = await c.get('asSession')((ctx) => listClientTasks({ ctx, input: { projectId: id } }));
    return c.json({ items }, 200);
  });
}
