// The child side of a one-shot measurement (mail.mjs): unlike a server, the child does the
// work itself and reports figures on stdout, then waits to be stopped so the parent can close
// its CPU window while the process still exists.

/** Printed when the measured work begins. */
export const STARTED_MARKER = 'BENCH_STARTED';
/** The first stdout line that starts with this carries the child's figures as JSON. */
export const RESULT_MARKER = 'BENCH_RESULT ';

export function reportStarted() {
  process.stdout.write(`${STARTED_MARKER}\n`);
}

/** @param {Record<string, unknown>} figures */
export function reportResult(figures) {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(figures)}\n`);
}

/** @param {string} name @param {number} fallback */
export function numberFromEnv(name, fallback) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}
