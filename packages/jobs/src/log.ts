/** Where the worker reports; the server's JSON logger fits as it is. */
export interface WorkerLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const nothing = () => {};

export const silentLog: WorkerLog = { debug: nothing, info: nothing, warn: nothing, error: nothing };

/** Errors as log fields, never with the values a failed query carried (see @foyer/db). */
export { errorFields } from '@foyer/db';
