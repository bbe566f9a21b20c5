import type { schema } from '@foyer/db';

export type ReviewRule = schema.ReviewRule;
export type ReviewDecisionKind = schema.ReviewDecision;
export type ReviewPin = schema.ReviewPin;

/** A round's state, derived from its decisions: never stored. */
export type RoundState = 'open' | 'approved' | 'revisions' | 'superseded';

/** A deliverable as a reader sees it. */
export type ReviewDeliverable =
  | {
      kind: 'file';
      fileId: string;
      versionId: string;
      version: number;
      name: string;
      size: number;
      sha256: string;
      contentType: string;
      /** Whether this reader can open the file now (it may have been deleted or made internal since). */
      available: boolean;
      /**
       * The file's version now, when the reader can open it: a later one than `version` means the
       * file changed after the round was submitted, and opening it shows the newer bytes.
       */
      currentVersion: number | null;
    }
  | { kind: 'link'; url: string; label: string };

export interface ReviewDecisionItem {
  id: string;
  decision: ReviewDecisionKind;
  /** As this reader may see them: the name for the team; "You", or the agency's choice, for a client. */
  by: string;
  /** The decision is the reader's own. */
  mine: boolean;
  comment: string | null;
  pin: ReviewPin | null;
  /** The pin described in words, e.g. "homepage.png, at 42% across and 17% down" or "brief.pdf, page 3". */
  pinLabel: string | null;
  decidedAt: Date;
  /** The team only; null for clients. */
  ip: string | null;
}

export interface ReviewReviewer {
  /** The team sees everyone; a client sees themselves, and others only when the agency names them (else their company). */
  name: string;
  mine: boolean;
  decision: ReviewDecisionKind | null;
  decidedAt: Date | null;
}

/** What changed since the round before. */
export type RoundChange =
  | { kind: 'added'; name: string }
  | { kind: 'removed'; name: string }
  | { kind: 'new_version'; name: string; from: number; to: number }
  | { kind: 'note_changed' };

export interface ReviewRoundItem {
  id: string;
  n: number;
  state: RoundState;
  rule: ReviewRule;
  note: string | null;
  /** renderMarkdown(note): sanitised HTML. */
  noteHtml: string;
  submittedBy: string;
  submittedAt: Date;
  /** The team only. */
  ip: string | null;
  deliverables: ReviewDeliverable[];
  /** For a client: only what they may see (see ReviewReviewer). */
  reviewers: ReviewReviewer[];
  /** How many reviewers the round has (clients see the count even when not the names). */
  reviewerCount: number;
  decisions: ReviewDecisionItem[];
  /** Against the previous round; empty for round 1. */
  changes: RoundChange[];
  /** When the round closed (approved, revisions or superseded); null while open. */
  closedAt: Date | null;
}

export interface TrailCheck {
  ok: boolean;
  entries: number;
  /** The first entry (seq) that does not verify; null when ok. */
  brokenAt: number | null;
}

export interface TaskReview {
  taskId: string;
  taskTitle: string;
  projectId: string;
  projectName: string;
  /** Client Review is on for the task. */
  enabled: boolean;
  /** Oldest first. */
  rounds: ReviewRoundItem[];
  /** The latest round, if any. */
  current: ReviewRoundItem | null;
  trail: TrailCheck;
  /** Client: the current round is open, they are a reviewer, they have not decided, and they hold `review`. */
  awaitingMe: boolean;
  /** Whether an approval record can be downloaded (the latest round is approved). */
  recordAvailable: boolean;
  /** Team only: the tenant's rule for the next round. */
  rule: ReviewRule;
}

/** A project client as a reviewer candidate (team's submit form). */
export interface ReviewCandidate {
  userId: string;
  name: string;
  email: string;
  companyName: string;
  /** Null when they can review; otherwise why not (shown beside a disabled checkbox). */
  reason: null | 'no_review_permission' | 'projects_off' | 'deactivated' | 'invited';
}

/** A file the team may attach to a round (the task's files first, then the project's). */
export interface DeliverableCandidate {
  fileId: string;
  name: string;
  version: number;
  size: number;
  contentType: string;
  clientVisible: boolean;
  onTask: boolean;
  uploadedAt: Date;
}

export interface ReviewSubmitForm {
  taskId: string;
  taskTitle: string;
  taskClientVisible: boolean;
  candidates: ReviewCandidate[];
  files: DeliverableCandidate[];
  /** The reviewers and links of the latest round, to start the next one from. */
  previous: { reviewerIds: string[]; fileIds: string[]; links: { url: string; label: string }[] } | null;
  rule: ReviewRule;
}

/** One open round waiting on clients (team), or on the reader (client). */
export interface WaitingReview {
  taskId: string;
  taskTitle: string;
  projectId: string;
  projectName: string;
  roundId: string;
  n: number;
  submittedAt: Date;
  submittedBy: string;
  /** Whole days since submission. */
  waitingDays: number;
  /** Team only: reviewers who have not decided yet (names). Empty for clients. */
  pending: string[];
  /** Team only: when the last reminder went out. */
  lastRemindedAt: Date | null;
}

export interface ReviewSettings {
  rule: ReviewRule;
  reminderDays: number;
  reviewersNamed: boolean;
}
