import { createCtx, getAccount } from '@foyer/core';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';
import { unauthenticated } from './problem';

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
    const session = c.get('session');
    if (!session) throw unauthenticated();
    return c.json(await getAccount({ ctx: createCtx(c.get('core'), { actor: session.actor }) }), 200);
  });
}
