import { CoreError } from '@foyer/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { access } from '../access';
import type { AppEnv } from '../app';
import { errorFields, type Logger } from '../log';
import { invoicesRoute } from './invoices';
import { meRoute } from './me';
import { AppError, notFound, problem } from './problem';
import { slugRoute } from './slugs';
import { tasksRoute } from './tasks';

/**
 * The JSON API: zod-validated, described by OpenAPI at /api/v1/openapi.json, errors as RFC 9457
 * problem+json naming the field that was wrong.
 */
export function createApi(log: Logger) {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const fields = Object.fromEntries(
        result.error.issues.map((i) => [i.path.join('.') || 'request', i.message]),
      );
      return problem(c, new AppError('validation', 400, 'The request is not valid.', fields));
    },
  });
  slugRoute(api);
  meRoute(api);
  tasksRoute(api);
  invoicesRoute(api);
  api.get('/openapi.json', access('public'));
  // The routes are declared relative to where this sub-app is mounted; the server URL says where.
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Foyer API', version: '1' },
    servers: [{ url: '/api/v1' }],
  });
  // A mounted sub-app's notFound handler is never consulted (the parent's router falls through
  // to the pages), so the API claims every other path and method under its prefix itself.
  api.all('*', access('public'), (c) => problem(c, notFound()));
  api.onError((error, c) => {
    if (error instanceof AppError || error instanceof CoreError) return problem(c, error);
    log.error('unhandled API error', {
      requestId: c.get('requestId'),
      path: c.req.path,
      ...errorFields(error),
    });
    return problem(c, new AppError('internal', 500, 'Something went wrong on our side.'));
  });
  return api;
}
