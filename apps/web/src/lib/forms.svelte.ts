import type { SubmitFunction } from '@sveltejs/kit';

/** A form action's per-field messages, keyed by the field's `name`. */
export type FieldErrors = Record<string, string | undefined>;

/** What `use:enhance` hands the callback a SubmitFunction returns, once the server has answered. */
export type SubmitResult = Parameters<
  Extract<Awaited<ReturnType<SubmitFunction>>, (...args: never[]) => unknown>
>[0];

/**
 * Deals with the server's answer in place of the default `await update()`. Return `false` to leave
 * the form marked as submitting, e.g. when the browser is already on its way to another page.
 */
export type OnResult = (result: SubmitResult) => unknown;

const updateDefault: OnResult = ({ update }) => update();

/**
 * Tracks which of several forms on a page is being submitted. `enhance(key)` is the SubmitFunction
 * for the form with that key; `pending` is the key of the form submitted last, until its answer has
 * been dealt with.
 */
export function trackSubmissions<Key extends string>() {
  let pending = $state<Key | null>(null);
  return {
    get pending() {
      return pending;
    },
    enhance(key: Key, onResult: OnResult = updateDefault): SubmitFunction {
      return () => {
        pending = key;
        return async (result) => {
          if ((await onResult(result)) === false) return;
          pending = null;
        };
      };
    },
  };
}

/**
 * Tracks one form: pass `enhance` to `use:enhance`, and read `submitting` to disable the button and
 * change its label while the request is in flight.
 */
export function trackSubmission(onResult?: OnResult) {
  const tracker = trackSubmissions<'form'>();
  return {
    get submitting() {
      return tracker.pending !== null;
    },
    enhance: tracker.enhance('form', onResult),
  };
}

/** The per-field messages in a form action's answer, or none when it has no `fields`. */
export function fieldErrors(answer: object | null | undefined): FieldErrors {
  return (answer && 'fields' in answer ? (answer.fields as FieldErrors | null | undefined) : undefined) ?? {};
}
