import { CoreError, httpStatus } from '@foyer/core';
import { type ActionFailure, fail } from '@sveltejs/kit';

export interface FailureData {
  /** Messages by form field name, shown next to their field. */
  fields: Record<string, string>;
  /** The form-level message, shown in an alert. */
  message: string;
}

/**
 * An expected refusal from `@foyer/core` as a form failure, echoing back what the person typed
 * (never passwords). Anything else is a bug: it is rethrown, logged by handleError, and the
 * person sees the generic error page without internals.
 */
export function coreErrorToFail<Echo extends Record<string, unknown>>(
  error: unknown,
  echo: Echo,
): ActionFailure<FailureData & Echo> {
  if (!(error instanceof CoreError)) throw error;
  return fail(httpStatus(error.code), { ...echo, fields: { ...error.fields }, message: error.message });
}

/** A failure found before calling core (e.g. the two new passwords differ), in the same shape. */
export function fieldFailure<Echo extends Record<string, unknown>>(
  fields: Record<string, string>,
  echo: Echo,
  message = 'Please correct the highlighted fields.',
): ActionFailure<FailureData & Echo> {
  return fail(400, { ...echo, fields, message });
}
