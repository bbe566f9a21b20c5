const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * `512 B`, `1.2 MB`, `4.7 GB`: binary multiples with one decimal, as the web app's files pages
 * print them, so a size in a document matches the one the reader saw on screen.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${Math.round(n)} B`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KB would print as "1024.0 KB"; the next unit reads better.
  if (Number(value.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** One formatter per time zone: making one costs far more than formatting with it. */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `3 Mar 2026, 14:05:09` in the given IANA zone, without the zone's name: a document states its
 * zone once rather than after every time. Seconds are kept because a record's events can fall
 * within the same minute. An unknown zone throws a RangeError (zones come from validated settings).
 */
export function formatDateTime(date: Date, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZone,
    });
    // Zones come from people's settings, a bounded list; the cap only guards against surprises.
    if (dateTimeFormats.size < 500) dateTimeFormats.set(timeZone, format);
  }
  return format.format(date);
}

/** `Ann`, `Ann and Bo`, `Ann, Bo and Cy`. */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
