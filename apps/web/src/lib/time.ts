const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * "just now", "5 minutes ago", "yesterday", "3 days ago", then a plain date. `now` is passed in
 * (from the server's load) so that the server and the browser render the same words.
 */
export function relativeTime(date: Date, now: Date): string {
  const elapsed = now.getTime() - date.getTime();
  const abs = Math.abs(elapsed);
  const past = elapsed >= 0;
  // The past counts whole units gone by; the future counts units begun, so that a link that
  // expires in a week reads "in 7 days" rather than "in 6 days" a second after it was sent.
  const count = (unit: number) => (past ? -Math.floor(abs / unit) : Math.ceil(abs / unit));
  if (abs < MINUTE) return 'just now';
  if (abs < HOUR) return relative.format(count(MINUTE), 'minute');
  if (abs < DAY) return relative.format(count(HOUR), 'hour');
  if (abs < 7 * DAY) return relative.format(count(DAY), 'day');
  return dateOnly.format(date);
}

const calendarFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * A calendar date ('YYYY-MM-DD', no time zone) as people read it, e.g. "1 Mar 2026": the day is
 * the same everywhere. '—' for none.
 */
export function calendarDate(value: string | null): string {
  if (!value) return '—';
  const day = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? value : calendarFormat.format(day);
}

/** One formatter per time zone: making one costs far more than formatting with it. */
const fullFormats = new Map<string, Intl.DateTimeFormat>();

/** The full date and time, for a `title`; in the given time zone (UTC on the server). */
export function fullDateTime(date: Date, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = fullFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    // Zones come from people's settings, a bounded list; the cap only guards against surprises.
    if (fullFormats.size < 500) fullFormats.set(key, format);
  }
  return format.format(date);
}
