import type { z } from 'zod';
import type { Ctx } from '../ctx';
import type {
  decideReviewInput,
  reviewSettingsInput,
  setClientReviewInput,
  submitRoundInput,
  taskReviewInput,
  waitingReviewsInput,
} from './inputs';
import type { ReviewSettings, ReviewSubmitForm, RoundState, TaskReview, WaitingReview } from './types';

const todo = (): never => {
  throw new Error('not built yet');
};

/** The review of a task for its reader (team, or a client with `review`); null when there is nothing to show them. */
export async function taskReview(_: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<TaskReview | null> {
  return todo();
}

/** Turns Client Review on or off for a task (the team). */
export async function setClientReview(_: {
  ctx: Ctx;
  input: z.input<typeof setClientReviewInput>;
}): Promise<{ enabled: boolean }> {
  return todo();
}

/** What the team's "submit for review" form offers: reviewers, files, the last round's choices. */
export async function reviewSubmitForm(_: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<ReviewSubmitForm> {
  return todo();
}

/**
 * Submits the next round. A task that is not client-visible needs `shareTask` (the form's
 * confirmation): without it, CoreError('conflict') with fields.shareTask.
 */
export async function submitRound(_: {
  ctx: Ctx;
  input: z.input<typeof submitRoundInput>;
}): Promise<{ roundId: string; n: number }> {
  return todo();
}

/** A reviewer's decision on the current open round. */
export async function decideReview(_: {
  ctx: Ctx;
  input: z.input<typeof decideReviewInput>;
}): Promise<{ state: RoundState }> {
  return todo();
}

/** Team: open rounds waiting on clients, oldest first. Client: the rounds waiting for their decision. */
export async function waitingReviews(_: {
  ctx: Ctx;
  input?: z.input<typeof waitingReviewsInput>;
}): Promise<{ items: WaitingReview[]; total: number; page: number; pageSize: number }> {
  return todo();
}

/** The approval record of an approved task, as a PDF: the team's copy or the client's. */
export async function approvalRecord(_: {
  ctx: Ctx;
  input: z.input<typeof taskReviewInput>;
}): Promise<{ filename: string; body: Buffer }> {
  return todo();
}

export async function reviewSettings(_: { ctx: Ctx }): Promise<ReviewSettings> {
  return todo();
}

export async function updateReviewSettings(_: {
  ctx: Ctx;
  input: z.input<typeof reviewSettingsInput>;
}): Promise<ReviewSettings> {
  return todo();
}
