import { CoreError, httpStatus, problemType } from '@foyer/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app';

/** An expected API failure. Thrown by handlers; rendered once, by the API's error handler. */
export class AppError extends Error {
  constructor(
    readonly type: string,
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly fields?: Record<string, string>,
  ) {
    super(title);
    this.name = 'AppError';
  }
}

export const notFound = () => new CoreError('not_found', 'There is nothing at this address.');
export const unauthenticated = () => new CoreError('unauthenticated', 'Sign in first.');

/** RFC 9457 problem+json; `type` is stable across releases so clients can branch on it. */
export function problem(c: Context<AppEnv>, error: AppError | CoreError) {
  const e =
    error instanceof CoreError
      ? new AppError(error.code, httpStatus(error.code), error.message, error.fields)
      : error;
  const body = {
    type: problemType(e.type),
    title: e.title,
    status: e.status,
    ...(e.fields && Object.keys(e.fields).length > 0 ? { fields: e.fields } : {}),
    requestId: c.get('requestId'),
  };
  return c.json(body, e.status, { 'content-type': 'application/problem+json' });
}
