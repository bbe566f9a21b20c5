import { checkSlug, createCtx } from '@foyer/core';
import { normaliseSlug } from '@foyer/names';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';

const route = createRoute({
  method: 'get',
  path: '/slugs/{slug}',
  summary: 'Is a workspace address free?',
  description: 'Answers the sign-up form’s live check. Platform host only.',
  middleware: access('platform-host'),
  request: { params: z.object({ slug: z.string().min(1).max(63) }) },
  responses: {
    200: {
      description: 'Whether the address can be used, and why not',
      content: {
        'application/json': {
          schema: z.object({ slug: z.string(), available: z.boolean(), message: z.string().nullable() }),
        },
      },
    },
  },
});

export function slugRoute(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, async (c) => {
    const slug = normaliseSlug(c.req.valid('param').slug);
    const { available, message } = await checkSlug({ ctx: createCtx(c.get('core')), input: { slug } });
    return c.json({ slug, available, message }, 200);
  });
}
