/** Where the worker reports; the server's JSON logger fits as it is. */
export interface WorkerLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const nothing = () => {};

export const silentLog: WorkerLog = { debug: nothing, info: nothing, warn: nothing, error: nothing };

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) };
}
