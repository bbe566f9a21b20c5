import type { ReviewCandidate, ReviewDecisionKind, RoundChange, RoundState } from '@foyer/core';

/**
 * Words for the review screens, shared by the team's and the client's pages. Types only come
 * from core, so this stays browser-safe.
 */

export const ROUND_STATE_LABELS: Record<RoundState, string> = {
  open: 'Open',
  approved: 'Approved',
  revisions: 'Revisions requested',
  superseded: 'Superseded',
};

/** The badge class of a round's state: approved reads as good news, revisions as a warning. */
export function roundStateTone(state: RoundState): string {
  if (state === 'approved') return 'badge badge-positive';
  if (state === 'revisions') return 'badge badge-negative';
  return 'badge';
}

export const DECISION_LABELS: Record<ReviewDecisionKind, string> = {
  approved: 'Approved',
  revisions: 'Requested revisions',
};

/** Why a project client can’t be chosen as a reviewer, beside their greyed-out checkbox. */
export const CANDIDATE_REASONS: Record<NonNullable<ReviewCandidate['reason']>, string> = {
  no_review_permission: 'No review permission',
  projects_off: 'Can’t see projects',
  deactivated: 'Deactivated',
  invited: 'Hasn’t accepted the invitation yet',
};

export function changeText(change: RoundChange): string {
  switch (change.kind) {
    case 'added':
      return `Added ${change.name}`;
    case 'removed':
      return `Removed ${change.name}`;
    case 'new_version':
      return `New version of ${change.name} (v${change.from} → v${change.to})`;
    case 'note_changed':
      return 'The note changed';
  }
}

export function daysText(days: number): string {
  if (days <= 0) return 'today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** How many link rows the team's form starts with and may grow to. */
export const MAX_LINK_ROWS = 10;

/** What the team typed into the submit form, echoed back beside a refusal so nothing is lost. */
export interface SubmitEcho {
  note: string;
  fileIds: string[];
  reviewerIds: string[];
  links: { url: string; label: string }[];
}

/** The question before a client approves: their approval goes on the record with their name. */
export function approveQuestion(n: number) {
  return {
    title: `Approve round ${n}?`,
    message: 'This is recorded with your name and the time.',
    confirmLabel: 'Approve',
  };
}
