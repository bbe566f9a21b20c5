import {
  announceFileShares,
  createCtx,
  type Deps,
  purgeLiveEvents,
  purgeOldActivityDetails,
  purgeThrottle,
  remindReviewers,
  reverifyDomains,
  runInvoiceRepeats,
  runInvoiceSchedule,
  sendDigests,
  sendSummaries,
} from '@foyer/core';

/**
 * Periodic work (overdue invoices, reminders, domain re-verification…). Every worker checks its
 * jobs about once a second; `claim_scheduled_job` lets exactly one of them, on any node, run each
 * due tick. A run that outlasts its interval may overlap the next tick's run on another node, so
 * a job must be safe to run twice at once (work in idempotent steps, claim rows it changes).
 */
export interface ScheduledJob {
  /** Unique across the platform: the job's row in `platform.scheduled_jobs`. */
  name: string;
  /** Seconds from one tick's start to the next; a whole number, at least 1. */
  intervalSeconds: number;
  run(ctx: Deps): Promise<void>;
}

/**
 * The jobs every worker runs. Features register theirs by adding them here, so `foyer start` and
 * `foyer worker` run the same list.
 */
export function defaultJobs(options: DefaultJobOptions = {}): ScheduledJob[] {
  const reverification = options.domainReverificationSeconds ?? 6 * 60 * 60;
  return [
    {
      // Re-checks verified custom domains' TXT tokens; a domain whose token is gone stops being
      // served and its admins are told. A little slack so that a domain checked just after the
      // last tick is not left for two intervals.
      name: 'domain-reverification',
      intervalSeconds: reverification,
      run: async (ctx) => {
        await reverifyDomains(ctx, { recheckAfterMs: reverification * 900 });
      },
    },
    {
      // Tells clients which files were shared with them, one notice per project an hour after
      // its first share (so a batch of uploads is one email, not fifty).
      name: 'files-shared',
      intervalSeconds: 5 * 60,
      run: async (ctx) => {
        await announceFileShares(ctx);
      },
    },
    {
      // One email of what they missed for people who left notices unread for a few minutes
      // while away (new messages by default): claimed per person, so two workers send one.
      name: 'digests',
      intervalSeconds: 60,
      run: async (ctx) => {
        await sendDigests(ctx);
      },
    },
    {
      // The daily or weekly summary from 8 o'clock in each person's time zone: every quarter of
      // an hour, so that zones a half or three quarters off the hour are on time.
      name: 'summaries',
      intervalSeconds: 15 * 60,
      run: async (ctx) => {
        await sendSummaries(ctx);
      },
    },
    {
      // Reminds reviewers of rounds that have waited the tenant's reminder days, and as many
      // again after each reminder.
      name: 'review-reminders',
      intervalSeconds: 60 * 60,
      run: async (ctx) => {
        await remindReviewers(ctx);
      },
    },
    {
      // Makes the retainers' copies whose day has come (drafts, or sent at once), then marks
      // invoices overdue the day after their due date and sends the tenants' reminder schedules
      // (before, on and after the due date); each is recorded once per invoice and day.
      name: 'invoice-schedule',
      intervalSeconds: 60 * 60,
      run: async (ctx) => {
        await runInvoiceRepeats(ctx);
        await runInvoiceSchedule(ctx);
      },
    },
    {
      // Deletes throttle counters whose window is long over (keys name made-up emails too).
      name: 'throttle-purge',
      intervalSeconds: 60 * 60,
      run: async (ctx) => {
        await purgeThrottle({ ctx: createCtx(ctx) });
      },
    },
    {
      // Deletes live events older than a day (streams catch up from the last day) and presence
      // rows of nodes that stopped beating.
      name: 'realtime-purge',
      intervalSeconds: 60 * 60,
      run: async (ctx) => {
        await purgeLiveEvents({ ctx: createCtx(ctx) });
      },
    },
    {
      // Removes IP addresses and browsers from activity entries and session history older than
      // each tenant's retention setting (365 days by default); the entries themselves stay.
      name: 'activity-retention',
      intervalSeconds: 60 * 60,
      run: async (ctx) => {
        await purgeOldActivityDetails({ ctx: createCtx(ctx) });
      },
    },
  ];
}

export interface DefaultJobOptions {
  /** How often verified custom domains are re-checked (default 6 hours). */
  domainReverificationSeconds?: number;
}

const JOB_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Throws on a list the worker cannot run: bad names, duplicates, impossible intervals. */
export function checkJobs(jobs: readonly ScheduledJob[]): void {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!JOB_NAME.test(job.name)) {
      throw new Error(`Scheduled job name “${job.name}” must be lower-case letters, digits, . _ or -`);
    }
    if (seen.has(job.name)) throw new Error(`Scheduled job “${job.name}” is listed twice`);
    seen.add(job.name);
    if (!Number.isInteger(job.intervalSeconds) || job.intervalSeconds < 1) {
      throw new Error(`Scheduled job “${job.name}” needs a whole number of seconds ≥ 1 as its interval`);
    }
  }
}
