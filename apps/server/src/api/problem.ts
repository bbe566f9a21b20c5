import { CoreError } from '@foyer/core';
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

export const notFound = () => new AppError('not-found', 404, 'There is nothing at this address.');
export const unauthenticated = () => new AppError('unauthenticated', 401, 'Sign in first.');

const statusOf: Record<CoreError['code'], ContentfulStatusCode> = {
  validation: 400,
  invalid_credentials: 401,
  throttled: 429,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  expired: 410,
};

/** RFC 9457 problem+json; `type` is stable across releases so clients can branch on it. */
export function problem(c: Context<AppEnv>, error: AppError | CoreError) {
  const e =
    error instanceof CoreError
      ? new AppError(error.code.replace(/_/g, '-'), statusOf[error.code], error.message, error.fields)
      : error;
  const body = {
    type: `https://foyer.dev/problems/${e.type}`,
    title: e.title,
    status: e.status,
    ...(e.fields && Object.keys(e.fields).length > 0 ? { fields: e.fields } : {}),
    requestId: c.get('requestId'),
  };
  return c.json(body, e.status, { 'content-type': 'application/problem+json' });
}
