import { getAccount } from '@foyer/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';

const route = createRoute({
  method: 'get',
  path: '/me',
  summary: 'The signed-in person',
  middleware: access('signed-in'),
  responses: {
    200: {
      description: 'Your account',
      content: {
        'application/json': {
          schema: z.object({
            id: z.string(),
            name: z.string(),
            email: z.string(),
            role: z.enum(['admin', 'staff', 'client']),
            pendingEmail: z.string().nullable(),
            emailVerified: z.boolean(),
          }),
        },
      },
    },
  },
});

export function meRoute(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    // One transaction, whose first statement looks the session up and sets its context.
    return c.json(await c.get('asSession')((ctx) => getAccount({ ctx })), 200);
  });
}
