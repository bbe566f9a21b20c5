import { errorFields } from '@foyer/core';
import type { Handle, HandleServerError } from '@sveltejs/kit';
import { requirePlatform } from '$lib/server/platform';

export const handle: Handle = async ({ event, resolve }) => {
  // Fail before any load runs, so the cause is this message rather than a TypeError somewhere.
  const platform = requirePlatform(event.platform);
  const response = await resolve(event);
  // A page rendered for a signed-in person must not be kept by a shared cache or shown again
  // from history after signing out.
  if ((platform.user !== null || platform.operator !== null) && !response.headers.has('cache-control')) {
    response.headers.set('cache-control', 'private, no-store');
  }
  return response;
};

export const handleError: HandleServerError = ({ error, event, status }) => {
  const requestId = event.platform?.requestId;
  // Unknown paths arrive here as 404s; they are not faults worth a log line.
  if (status !== 404) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'error',
        message: 'page request failed',
        requestId,
        status,
        method: event.request.method,
        // The path only: query strings can carry tokens.
        path: event.url.pathname,
        // Database errors carry their parameters in their message: never log that.
        ...errorFields(error),
      }),
    );
  }
  return { message: 'Something went wrong', requestId };
};
