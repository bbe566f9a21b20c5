import { approvalRecord, type decideReviewInput } from '@foyer/core';
import type { z } from 'zod';
import type { SubmitEcho } from '$lib/reviews';
import { field } from './forms';
import { pdfResponse } from './pdf';

/** Ticked boxes of one name: a form repeats the key, or leaves it out when none are ticked. */
function ticked(form: FormData, name: string): string[] {
  return form.getAll(name).filter((value): value is string => typeof value === 'string');
}

/**
 * The submit form as submitRound's input. Links come as rows of `linkUrl` and `linkLabel`
 * (repeated, in order); a row left blank on both is an unused row, not an empty link.
 */
export function submitRoundForm(taskId: string, form: FormData) {
  const urls = ticked(form, 'linkUrl');
  const labels = ticked(form, 'linkLabel');
  const links = urls
    .map((url, index) => ({ url: url.trim(), label: (labels[index] ?? '').trim() }))
    .filter((link) => link.url !== '' || link.label !== '');
  const echo: SubmitEcho = {
    note: field(form, 'note'),
    fileIds: ticked(form, 'fileIds'),
    reviewerIds: ticked(form, 'reviewerIds'),
    links,
  };
  const input = {
    taskId,
    note: echo.note,
    fileIds: echo.fileIds,
    reviewerIds: echo.reviewerIds,
    links: links.map((link) => (link.label ? link : { url: link.url })),
    shareTask: field(form, 'shareTask') === 'on',
  };
  return { input, echo };
}

/** The client's decision form as decideReview's input; the pin only when a deliverable is chosen. */
export function decideForm(
  taskId: string,
  form: FormData,
): {
  input: z.input<typeof decideReviewInput>;
  echo: Record<'decision' | 'comment' | 'pinDeliverable' | 'pinX' | 'pinY' | 'pinPage', string>;
} {
  const decision = field(form, 'decision');
  const comment = field(form, 'comment');
  const deliverable = field(form, 'pinDeliverable');
  const x = field(form, 'pinX');
  const y = field(form, 'pinY');
  const page = field(form, 'pinPage');
  const pin =
    decision === 'revisions' && deliverable !== ''
      ? {
          deliverable,
          ...(x !== '' && y !== '' ? { x, y } : {}),
          ...(page !== '' ? { page } : {}),
        }
      : null;
  return {
    input: {
      taskId,
      roundId: field(form, 'roundId'),
      // Anything else is refused by the input's own check, with its message.
      decision: decision as 'approved' | 'revisions',
      comment,
      pin,
    },
    echo: { decision, comment, pinDeliverable: deliverable, pinX: x, pinY: y, pinPage: page },
  };
}

/** The approval record as a download (the team's copy or the client's, by who asks). */
export function approvalRecordResponse(ctx: App.Locals['ctx'], taskId: string): Promise<Response> {
  return pdfResponse(approvalRecord({ ctx, input: { taskId } }));
}
