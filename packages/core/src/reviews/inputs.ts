import { z } from 'zod';
import { id, line, lines } from '../input';
import { flag, idList } from '../tasks/common';

export const REVIEW_NOTE_MAX = 5000;
export const REVIEW_COMMENT_MAX = 5000;
export const REVIEW_MAX_FILES = 20;
export const REVIEW_MAX_LINKS = 10;
export const REVIEW_MAX_REVIEWERS = 50;

export const taskReviewInput = z.object({ taskId: id('task') });

export const setClientReviewInput = z.object({ taskId: id('task'), enabled: flag });

/** An http(s) link a reviewer opens; anything else (javascript:, data:) is refused. */
const linkUrl = line(2000).refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}, 'Enter a full web address, starting with https://.');

export const reviewLinkInput = z.object({
  url: linkUrl,
  label: line(200).optional(),
});

/** Form posts repeat keys, or send nothing at all for an empty list. */
const optionalIds = (what: string, max: number) =>
  z
    .union([idList(what, max), z.literal(''), z.null()])
    .optional()
    .transform((value) => (Array.isArray(value) ? value : []));

export const submitRoundInput = z.object({
  taskId: id('task'),
  note: lines(REVIEW_NOTE_MAX).optional(),
  fileIds: optionalIds('file', REVIEW_MAX_FILES),
  links: z.array(reviewLinkInput).max(REVIEW_MAX_LINKS, `Add at most ${REVIEW_MAX_LINKS} links.`).default([]),
  reviewerIds: optionalIds('reviewer', REVIEW_MAX_REVIEWERS),
  /** The team confirmed sharing the task with the client, if it is not yet. */
  shareTask: flag.optional(),
});

export const reviewPinInput = z.object({
  deliverable: z.coerce
    .number()
    .int()
    .min(0)
    .max(REVIEW_MAX_FILES + REVIEW_MAX_LINKS),
  x: z.coerce.number().min(0).max(1).optional(),
  y: z.coerce.number().min(0).max(1).optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
});

export const decideReviewInput = z.object({
  taskId: id('task'),
  roundId: id('round'),
  decision: z.enum(['approved', 'revisions'], 'Choose approve or request revisions.'),
  comment: lines(REVIEW_COMMENT_MAX).optional(),
  pin: reviewPinInput.nullish(),
});

export const reviewSettingsInput = z.object({
  rule: z.enum(['any', 'all'], 'Choose whether one approval is enough.'),
  reminderDays: z.coerce
    .number('Enter a number of days.')
    .int('Enter a whole number of days.')
    .min(0, 'Enter 0 or more days.')
    .max(60, 'Enter at most 60 days.'),
  reviewersNamed: flag,
});

export const waitingReviewsInput = z
  .object({ page: z.coerce.number().int().min(1).max(10_000).optional() })
  .default({});
