import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from '@foyer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tablesIn } from '../support/catalog';
import { drivers, openTestDatabase, type TestDatabase } from '../support/databases';
import {
  actorTitles,
  createMatrixFixture,
  deleteStatement,
  insertStatement,
  labelsSeen,
  type MatrixActor,
  type MatrixFixture,
  matrixActors,
  type Outcome,
  outcomeOf,
  updateStatement,
  type Values,
} from '../support/matrix';
import { fixtureGatewayEvent } from '../support/tenants';

/**
 * The actor matrix: every actor × every `app` table × SELECT, INSERT, UPDATE, DELETE × fixture
 * rows, run against the database under the real roles (withActor, as the server does). What each
 * actor may reach is declared below, table by table, from ARCHITECTURE.md's client wall and the
 * policies; the fixture is in tests/support/matrix.ts.
 *
 * A table added to `app` fails "every app table has an expectation" until its entry is written
 * here, with the fixture rows in support/matrix.ts (or support/tenants.ts).
 *
 * Denials never pass vacuously: every row some actor may not read is read by another actor (and
 * exists: "the fixture has exactly the rows the expectations name"), and every write denied by a
 * policy is run first by an actor the table allows, on the same row, in the same test.
 *
 * A `refused(rule)` case is a refusal whether it comes from a policy or a missing grant, with the
 * rule behind it; the first run of this matrix found both of today's missing (migration 0021).
 */

/** A refusal the architecture asks for, by a policy (`rls`) or a missing grant (`denied`). */
interface Refusal {
  refused: true;
  /** The rule, and the policy that keeps it. */
  rule: string;
}
type Expected = Outcome | Refusal;
type PerActor = Record<MatrixActor, Expected>;

const refused = (rule: string): Refusal => ({ refused: true, rule });

const team: readonly MatrixActor[] = ['admin', 'staffS1', 'staffS2', 'worker', 'adminU'];
const clients: readonly MatrixActor[] = ['clientA', 'clientB', 'clientC', 'clientD', 'clientE', 'clientF'];

/**
 * Outcomes of one write: `ok` for the actors named, and for everyone else what follows from their
 * role: `denied` without a grant, otherwise a policy's refusal (`rls` for a new row, `none` for an
 * existing row out of reach). The other tenant's admin holds the team's grants. `also` sets cases
 * by hand.
 */
function writes(
  op: 'insert' | 'update' | 'delete',
  ok: readonly MatrixActor[],
  grants: { team: boolean; client: boolean },
  also: Partial<PerActor> = {},
): PerActor {
  const refused: Outcome = op === 'insert' ? 'rls' : 'none';
  const entries = matrixActors.map((actor): [MatrixActor, Expected] => {
    if (actor in also) return [actor, also[actor] as Expected];
    if (ok.includes(actor)) return [actor, 'ok'];
    const granted = clients.includes(actor) ? grants.client : grants.team;
    return [actor, granted ? refused : 'denied'];
  });
  return Object.fromEntries(entries) as PerActor;
}

/** Grants as the roles hold them, per table and command. */
const TEAM_ONLY = { team: true, client: false };
const BOTH = { team: true, client: true };
const NOBODY = { team: false, client: false };

type Reads = readonly string[] | 'denied';

interface InsertCase {
  target: string;
  /** The row; some depend on who writes it (an activity entry in one's own name). */
  row: (f: MatrixFixture, actor: MatrixActor) => Values;
  expect: PerActor;
}
interface UpdateCase {
  target: string;
  where: (f: MatrixFixture) => Values;
  set: (f: MatrixFixture) => Values;
  expect: PerActor;
}
interface DeleteCase {
  target: string;
  where: (f: MatrixFixture) => Values;
  expect: PerActor;
}

interface TableSpec {
  /** Columns that name a row (readable by every role that reads the table), and the row's label. */
  key: readonly string[];
  label: (row: Record<string, string | null>, f: MatrixFixture) => string;
  /** Labels of the rows each actor reads; `denied` when its role has no SELECT on the table. */
  select: Record<MatrixActor, Reads>;
  insert: InsertCase[];
  update: UpdateCase[];
  delete: DeleteCase[];
  /** Columns some roles may not read at all (column grants): who may SELECT each. */
  columns?: Record<string, Record<MatrixActor, 'ok' | 'denied'>>;
}

/** Prefixes a label with `U:` for rows of the other tenant. */
const inTenant = (row: Record<string, string | null>, f: MatrixFixture, text: string) =>
  row.tenant_id === f.U.id ? `U:${text}` : text;

const T = (f: MatrixFixture) => ({ tenant_id: f.T.id });
const now = sql`now()`;
const inAnHour = sql`now() + interval '1 hour'`;
const unique = (what: string) => `${what}-${randomBytes(4).toString('hex')}`;

/** Reads that are the same for every actor of the tenant under test. */
const everyoneInT = (rows: Reads, adminU: Reads): Record<MatrixActor, Reads> =>
  ({ ...Object.fromEntries(matrixActors.map((a) => [a, rows])), adminU }) as Record<MatrixActor, Reads>;

/** Reads of an admin-only table: each tenant's admin its own rows, the rest of the team none. */
const adminsOnly = (rows: Reads, adminU: Reads): Record<MatrixActor, Reads> =>
  ({
    ...Object.fromEntries(matrixActors.map((a) => [a, clients.includes(a) ? 'denied' : []])),
    admin: rows,
    adminU,
  }) as Record<MatrixActor, Reads>;

/** Every participant row of T, as the team reads them. */
const participantsOfT = [
  'th:P-talk/A',
  'th:P-talk/D',
  'th:P-talk/S1',
  'th:P-talk/admin',
  'th:dm-B/B',
  'th:dm-B/E',
  'th:dm-B/admin',
  'th:team/S1',
  'th:team/admin',
];

const NOTIFY_RULE =
  "A client notifies only themselves (notifications_client_insert): what a client's act tells others " +
  'is written by a trigger or the worker, never in wording the client chose.';

const OWN_NAME_RULE =
  'A person records activity in their own name only (activity_record_insert: actor_id is not distinct ' +
  'from app.user_id); a null actor is for those who act without a user: the worker, API keys, visitors.';

/** A row of T by its fixture label. */
const byId = (label: string) => (f: MatrixFixture) => ({ ...T(f), id: f.id[label] });

/**
 * Invoicing is the admins'; the worker reads every invoice (the overdue job, reminders). A client
 * with `invoices` reads the issued invoices addressed to their company or to them: never a draft
 * (inv:X-draft). D has `invoices`, E too (company Y); F is deactivated.
 */
const invoiceReads: Record<MatrixActor, Reads> = {
  admin: ['inv:X', 'inv:X-draft', 'inv:Y-B', 'inv:Z'],
  staffS1: [],
  staffS2: [],
  clientA: ['inv:X'],
  clientB: ['inv:Y-B'],
  clientC: ['inv:Z'],
  clientD: ['inv:X'],
  clientE: ['inv:Y-B'],
  clientF: [],
  worker: ['inv:X', 'inv:X-draft', 'inv:Y-B', 'inv:Z'],
  adminU: ['U:inv:X'],
};

/** Each invoice's one line (`inv:X` → `line:X`), read with its invoice. */
const linesOf = (reads: Record<MatrixActor, Reads>) =>
  Object.fromEntries(
    Object.entries(reads).map(([actor, labels]) => [
      actor,
      labels === 'denied' ? labels : labels.map((label) => label.replace('inv:', 'line:')),
    ]),
  ) as Record<MatrixActor, Reads>;

const CHECKOUT_RULE =
  'A client starts a checkout only of an invoice they read (payment_checkouts_client_insert: ' +
  "invoice_id in the invoices their policy shows them): never a draft, another company's, or once deactivated.";

const CHECKOUT_OWN_NAME_RULE =
  'A client starts a checkout in their own name only (payment_checkouts_client_insert: created_by = app.user_id).';

const VIEWED_NOW_RULE =
  'A client marks an invoice viewed at this moment only (invoices_client_update: viewed_at = now()), ' +
  'so the first view is recorded as it happened.';

const CLIENT_COMMENT_INTERNAL_RULE =
  "A client's comment on a task is internal until the team shares it (messages_client_insert: " +
  'client-visible only in project and direct threads, never in task threads).';

const SHOWN_NAME_RULE =
  'A client writes in a conversation under the name the agency shows for them there ' +
  "(messages_client_insert: author_name is their thread_participants row's shown_name), never another's.";

const INTERNAL_CHAT_RULE =
  'An internal chat is the team’s alone (threads_client_select: never internal; messages_client_insert: ' +
  'project and direct threads only).';

const TASK_REACTION_RULE =
  'A client reacts only where it may write in conversations (message_reactions_client_insert: messages of ' +
  'project and direct threads, with `messages`), not to the comments of a task.';

const OWN_ATTACHMENT_RULE =
  'A client attaches files to its own messages only (files_client_insert: without a project, a message ' +
  'of its own in a direct thread).';

const OWN_MARKS_RULE =
  'Read marks are one’s own (thread_reads_*: user_id = app.user_id), for threads one reads.';

/** Every client, refused by a missing grant (a column only the team may write). */
const clientsDenied: Partial<PerActor> = Object.fromEntries(clients.map((actor) => [actor, 'denied']));

/** A column the team reads and clients hold no grant on. */
const teamOnlyColumn = Object.fromEntries(
  matrixActors.map((actor) => [actor, clients.includes(actor) ? 'denied' : 'ok']),
) as Record<MatrixActor, 'ok' | 'denied'>;

/** The next review round of P-visible, for A, in `actorId`'s name: what the team writes. */
const reviewRound = (f: MatrixFixture, actorId: string | undefined): Values => ({
  ...T(f),
  task_id: f.id['P-visible'],
  kind: 'round',
  actor_id: actorId,
  body: 'Probe',
  reviewer_ids: sql`array[${f.id.A}]::uuid[]`,
});

/** The facts of an upload, under a fresh object key. */
const uploadRow = (f: MatrixFixture) => ({
  ...T(f),
  name: 'probe.pdf',
  content_type: 'application/pdf',
  size: 10,
  sha256: 'c'.repeat(64),
  object_key: `tenants/${f.T.id}/${randomUUID()}`,
});

/**
 * T's live events meant for one person (`user_id` set), read by that person only: their
 * notifications, their joining conversations, their read marks (those the database keeps when it
 * emails them too).
 */
const ownEvents = {
  admin: [
    'notification@admin',
    'thread.joined:th:P-talk@admin',
    'thread.joined:th:dm-B@admin',
    'thread.joined:th:team@admin',
    'thread.read:th:P-talk@admin',
    'thread.read:th:dm-B@admin',
  ],
  S1: [
    'notification@S1',
    'thread.joined:th:P-talk@S1',
    'thread.joined:th:team@S1',
    'thread.read:th:P-talk@S1',
    'thread.read:th:team@S1',
  ],
  A: ['notification@A', 'thread.joined:th:P-talk@A', 'thread.read:th:P-talk@A'],
  B: ['notification@B', 'thread.joined:th:dm-B@B', 'thread.read:th:dm-B@B'],
  D: ['thread.joined:th:P-talk@D'],
  E: ['thread.joined:th:dm-B@E'],
};

/**
 * Events of th:P-visible's client-visible comments (msg-B-shared was shared after it was posted;
 * msg-team-visible gained its attachment f:att-visible).
 */
const sharedOnPVisible = [
  'message.changed:th:P-visible#msg-B-shared',
  'message.changed:th:P-visible#msg-team-visible',
  'message.posted:th:P-visible#msg-B-shared',
  'message.posted:th:P-visible#msg-team-visible',
];
const talkEvents = [
  'message.changed:th:P-talk#msg-talk-admin',
  'message.posted:th:P-talk#msg-talk-A',
  'message.posted:th:P-talk#msg-talk-admin',
  'thread.people:th:P-talk',
];
const dmEvents = [
  'message.changed:th:dm-B#msg-dm-admin',
  'message.posted:th:dm-B#msg-dm-B',
  'message.posted:th:dm-B#msg-dm-admin',
  'thread.people:th:dm-B',
];
const chatEvents = ['message.posted:th:team#msg-chat-admin', 'thread.people:th:team'];
/** The team's internal comments on P's tasks (msg-team-internal with f:att-internal). */
const teamOnPOnly = [
  'message.changed:th:P-visible#msg-team-internal',
  'message.posted:th:P-internal#msg-on-internal',
  'message.posted:th:P-visible#msg-team-internal',
];
/** A's own comment on P-visible. */
const byAOnPVisible = 'message.posted:th:P-visible#msg-A';

/** T's events of threads (no person), read by whoever reads the thread and the message. */
const threadEvents = {
  admin: [
    ...sharedOnPVisible,
    ...teamOnPOnly,
    byAOnPVisible,
    'message.posted:th:Q-visible#msg-Q',
    ...talkEvents,
    ...dmEvents,
    ...chatEvents,
  ],
  S1: [...sharedOnPVisible, ...teamOnPOnly, byAOnPVisible, ...talkEvents, ...chatEvents],
  A: [...sharedOnPVisible, byAOnPVisible, ...talkEvents],
  B: [...sharedOnPVisible, ...dmEvents],
  C: ['message.posted:th:Q-visible#msg-Q'],
};

const spec: Record<string, TableSpec> = {
  activity: {
    key: ['tenant_id', 'actor_kind', 'actor_id'],
    label: (r, f) =>
      inTenant(r, f, r.actor_id ? f.name(r.actor_id).replace(/^U:/, '') : String(r.actor_kind)),
    // The audit log holds IP addresses: admins only.
    select: {
      admin: ['A', 'S1', 'admin', 'worker'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'an entry in its own name',
        row: (f, actor) => ownEntry(f, actor),
        expect: writes('insert', [...team.filter((a) => a !== 'adminU'), ...clients], BOTH),
      },
      {
        // Only who acts with no user (the worker, an API key, a visitor) records without a name.
        target: 'an entry of its own kind with no actor',
        row: (f, actor) => ({ ...ownEntry(f, actor), actor_id: null }),
        expect: writes('insert', ['worker'], BOTH, {
          admin: refused(OWN_NAME_RULE),
          staffS1: refused(OWN_NAME_RULE),
          staffS2: refused(OWN_NAME_RULE),
          clientA: refused(OWN_NAME_RULE),
          clientB: refused(OWN_NAME_RULE),
          clientC: refused(OWN_NAME_RULE),
          clientD: refused(OWN_NAME_RULE),
          clientE: refused(OWN_NAME_RULE),
          clientF: refused(OWN_NAME_RULE),
        }),
      },
      {
        target: "an entry in client A's name",
        row: (f) => ({ ...T(f), actor_kind: 'client', actor_id: f.id.A, verb: 'matrix.probe' }),
        expect: writes('insert', ['clientA'], BOTH),
      },
    ],
    update: [
      {
        target: "the admin's entry",
        where: (f) => ({ ...T(f), actor_id: f.id.admin }),
        set: () => ({ verb: 'matrix.rewritten' }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "the admin's entry",
        where: (f) => ({ ...T(f), actor_id: f.id.admin }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  branding: {
    key: ['tenant_id'],
    label: (r, f) => f.name(r.tenant_id),
    // The team reads it; clients see the brand through the host lookup (app_system), not the table.
    select: {
      admin: ['T'],
      staffS1: ['T'],
      staffS2: ['T'],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: ['T'],
      adminU: ['U'],
    },
    insert: [
      {
        target: 'a second brand for T',
        row: (f) => ({ ...T(f), display_name: 'Intruder' }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
    ],
    update: [
      {
        target: "T's brand",
        where: T,
        set: () => ({ display_name: 'Renamed' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [{ target: "T's brand", where: T, expect: writes('delete', ['admin'], TEAM_ONLY) }],
  },

  clients: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Admins all; staff the companies of their projects and of the clients on them; a client its own.
    select: {
      admin: ['W', 'X', 'Y', 'Z'],
      staffS1: ['X', 'Y'],
      staffS2: [],
      clientA: ['X'],
      clientB: ['Y'],
      clientC: ['Z'],
      clientD: ['X'],
      clientE: ['Y'],
      clientF: ['X'],
      // Through the people it addresses mail to (users_team_select lets the worker read everyone).
      worker: ['X', 'Y', 'Z'],
      adminU: ['U:X'],
    },
    insert: [
      {
        target: 'a company',
        row: (f) => ({ ...T(f), name: unique('Company') }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'company X (of P)',
        where: (f) => ({ ...T(f), id: f.id.X }),
        set: () => ({ name: unique('Renamed') }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'company W',
        where: (f) => ({ ...T(f), id: f.id.W }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  email_settings: {
    key: ['tenant_id'],
    label: (r, f) => f.name(r.tenant_id),
    // Settings are admin-only; the worker reads them to send.
    select: {
      admin: ['T'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: ['T'],
      adminU: ['U'],
    },
    insert: [
      {
        target: 'a second settings row for T',
        row: (f) => ({ ...T(f), reply_to: 'intruder@example.test' }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
    ],
    update: [
      {
        target: "T's settings",
        where: T,
        set: () => ({ reply_to: 'changed@example.test' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [{ target: "T's settings", where: T, expect: writes('delete', ['admin'], TEAM_ONLY) }],
  },

  email_templates: {
    key: ['tenant_id', 'template'],
    label: (r, f) => inTenant(r, f, String(r.template)),
    select: {
      admin: ['message-digest'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: ['message-digest'],
      adminU: ['U:message-digest'],
    },
    insert: [
      {
        target: 'an override of password-reset',
        row: (f) => ({ ...T(f), template: 'password-reset', subject: 'Reset', body: '<p>Reset</p>' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'the digest override',
        where: (f) => ({ ...T(f), template: 'message-digest' }),
        set: () => ({ subject: 'Changed' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'the digest override',
        where: (f) => ({ ...T(f), template: 'message-digest' }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  invoice_settings: {
    key: ['tenant_id'],
    label: (r, f) => f.name(r.tenant_id),
    // Invoicing is the agency's business: admins, and the worker, which takes the next number
    // when it sends a retainer's copy. Staff hold the team's grants but their policies see
    // nothing. An active client with `invoices` reads whether part of a balance may be paid
    // online, and nothing else of the row (F is deactivated).
    select: {
      ...adminsOnly(['T'], ['U']),
      worker: ['T'],
      clientA: ['T'],
      clientB: ['T'],
      clientC: ['T'],
      clientD: ['T'],
      clientE: ['T'],
      clientF: [],
    },
    columns: {
      partial_payments: Object.fromEntries(matrixActors.map((actor) => [actor, 'ok'])) as Record<
        MatrixActor,
        'ok'
      >,
      next_number: teamOnlyColumn,
      number_prefix: teamOnlyColumn,
    },
    insert: [
      {
        target: 'a second settings row for T',
        row: (f) => ({ ...T(f), number_prefix: 'X-' }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict', worker: 'conflict' }),
      },
    ],
    update: [
      {
        target: "T's settings",
        where: T,
        set: () => ({ next_number: 42 }),
        expect: writes('update', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    delete: [{ target: "T's settings", where: T, expect: writes('delete', ['admin'], TEAM_ONLY) }],
  },

  security_settings: {
    key: ['tenant_id'],
    label: (r, f) => inTenant(r, f, 'settings'),
    // Sign-in and privacy settings: the team reads them (a staff member's sign-in asks whether
    // two-factor is required; the retention job reads them as the worker); only admins change
    // them; clients hold no grant.
    select: {
      ...(Object.fromEntries(
        matrixActors.map((a) => [a, clients.includes(a) ? 'denied' : ['settings']]),
      ) as Record<MatrixActor, Reads>),
      adminU: ['U:settings'],
    },
    insert: [
      {
        target: 'a second settings row for T',
        row: (f) => ({ ...T(f), google_sign_in: true }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
    ],
    update: [
      {
        target: "T's settings",
        where: T,
        set: () => ({ require_team_two_factor: false }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [{ target: "T's settings", where: T, expect: writes('delete', ['admin'], TEAM_ONLY) }],
  },

  invoices: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    select: invoiceReads,
    // Who made an invoice is the team's business: clients hold no grant on it.
    columns: { created_by: teamOnlyColumn },
    insert: [
      {
        target: 'a draft to X',
        row: (f) => ({
          ...T(f),
          client_id: f.id.X,
          currency: 'GBP',
          issue_date: sql`current_date`,
          due_date: sql`current_date`,
          buyer_name: 'Company X',
        }),
        // The worker makes the retainers' copies.
        expect: writes('insert', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'inv:X-draft, readdressed',
        where: byId('inv:X-draft'),
        set: () => ({ buyer_name: 'Readdressed' }),
        // The worker updates invoices (marking them overdue); clients hold no grant on the column.
        expect: writes('update', ['admin', 'worker'], TEAM_ONLY),
      },
      {
        // A client's one column: viewed_at, to this moment, while unset, on an invoice they read.
        target: 'inv:X, viewed now',
        where: byId('inv:X'),
        set: () => ({ viewed_at: now }),
        expect: writes('update', ['admin', 'worker', 'clientA', 'clientD'], BOTH),
      },
      {
        target: 'inv:X, viewed an hour from now',
        where: byId('inv:X'),
        set: () => ({ viewed_at: inAnHour }),
        expect: writes('update', ['admin', 'worker'], BOTH, {
          clientA: refused(VIEWED_NOW_RULE),
          clientD: refused(VIEWED_NOW_RULE),
        }),
      },
    ],
    delete: [
      {
        target: 'inv:X-draft',
        where: byId('inv:X-draft'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  invoice_lines: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The lines of the invoices each reads.
    select: linesOf(invoiceReads),
    insert: [
      {
        target: 'a second line of inv:X-draft',
        row: (f) => ({
          ...T(f),
          invoice_id: f.id['inv:X-draft'],
          position: 1,
          description: 'Probe',
          quantity_milli: 1000,
          unit_price_minor: 100,
          gross_minor: 100,
          discount_minor: 0,
          net_minor: 100,
          tax_minor: 0,
          total_minor: 100,
        }),
        expect: writes('insert', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    // Only admins edit an invoice's lines; the worker reads them.
    update: [
      {
        target: 'line:X-draft, reworded',
        where: byId('line:X-draft'),
        set: () => ({ description: 'Reworded' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'line:X-draft',
        where: byId('line:X-draft'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  invoice_payments: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The payments of the invoices each reads.
    select: {
      admin: ['pay:X'],
      staffS1: [],
      staffS2: [],
      clientA: ['pay:X'],
      clientB: [],
      clientC: [],
      clientD: ['pay:X'],
      clientE: [],
      clientF: [],
      worker: ['pay:X'],
      adminU: ['U:pay:X'],
    },
    // Who recorded a payment, and the gateway's own ids for it, are the team's business: clients
    // hold no grant on them.
    columns: { recorded_by: teamOnlyColumn, gateway_id: teamOnlyColumn, external_ref: teamOnlyColumn },
    insert: [
      {
        // Admins record payments; the worker does for a payment gateway.
        target: 'a payment on inv:X',
        row: (f) => ({
          ...T(f),
          invoice_id: f.id['inv:X'],
          kind: 'payment',
          amount_minor: 100,
          paid_on: sql`current_date`,
          method: 'Card',
        }),
        expect: writes('insert', ['admin', 'worker'], TEAM_ONLY),
      },
      {
        // What a gateway reports, as the worker records it: money held back while a payer disputes.
        target: 'a dispute on inv:X reported by gw:stripe',
        row: (f) => ({
          ...T(f),
          invoice_id: f.id['inv:X'],
          kind: 'dispute',
          amount_minor: 5000,
          paid_on: sql`current_date`,
          method: 'Stripe',
          gateway_id: f.id['gw:stripe'],
          external_ref: unique('dp'),
        }),
        expect: writes('insert', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'pay:X, its reference corrected',
        where: byId('pay:X'),
        set: () => ({ reference: 'Corrected' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'pay:X',
        where: byId('pay:X'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  invoice_reminders: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The admins and the worker (which sends them) read an invoice's reminders; clients hold no grant.
    select: {
      ...adminsOnly(['rem:X'], ['U:rem:X']),
      worker: ['rem:X'],
    },
    insert: [
      {
        target: 'a reminder of inv:Z sent by hand',
        row: (f) => ({ ...T(f), invoice_id: f.id['inv:Z'], kind: 'manual', on_date: sql`current_date` }),
        expect: writes('insert', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    // The invoice's history: nobody edits or removes it (an invoice's deletion takes its reminders).
    update: [
      {
        target: 'rem:X',
        where: byId('rem:X'),
        set: () => ({ sent_at: now }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: 'rem:X',
        where: byId('rem:X'),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  payment_gateways: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The admins connect gateways, the worker reads them to apply notifications and marks them
    // ready. An active client with `invoices` learns which are ready and offered (gw:paypal is not
    // ready), through a few columns.
    select: {
      admin: ['gw:paypal', 'gw:stripe'],
      staffS1: [],
      staffS2: [],
      clientA: ['gw:stripe'],
      clientB: ['gw:stripe'],
      clientC: ['gw:stripe'],
      clientD: ['gw:stripe'],
      clientE: ['gw:stripe'],
      clientF: [],
      worker: ['gw:paypal', 'gw:stripe'],
      adminU: ['U:gw:stripe'],
    },
    // Never a gateway's credentials, connected account or notification endpoint to a client.
    columns: {
      credentials: teamOnlyColumn,
      account_ref: teamOnlyColumn,
      endpoint_id: teamOnlyColumn,
      mode: Object.fromEntries(matrixActors.map((actor) => [actor, 'ok'])) as Record<MatrixActor, 'ok'>,
    },
    insert: [
      {
        target: "a 2Checkout gateway with the agency's own keys",
        row: (f) => ({
          ...T(f),
          kind: 'twocheckout',
          connection: 'keys',
          mode: 'test',
          credentials: 'sealed:probe',
        }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
      {
        // One gateway of each kind per agency.
        target: 'a second Stripe gateway for T',
        row: (f) => ({
          ...T(f),
          kind: 'stripe',
          connection: 'connect',
          mode: 'live',
          account_ref: unique('acct'),
        }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
    ],
    update: [
      {
        target: 'gw:paypal, marked ready',
        where: byId('gw:paypal'),
        set: () => ({ ready: true, checked_at: now }),
        expect: writes('update', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'gw:paypal',
        where: byId('gw:paypal'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  payment_checkouts: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The admins and the worker read every checkout; a client only the ones they started (E reads
    // inv:Y-B but did not start co:Y-B/B).
    select: {
      admin: ['co:X/A', 'co:X/D', 'co:Y-B/B'],
      staffS1: [],
      staffS2: [],
      clientA: ['co:X/A'],
      clientB: ['co:Y-B/B'],
      clientC: [],
      clientD: ['co:X/D'],
      clientE: [],
      clientF: [],
      worker: ['co:X/A', 'co:X/D', 'co:Y-B/B'],
      adminU: ['U:co:X/A'],
    },
    // The gateway's ids for a checkout and its payment are the team's.
    columns: { external_ref: teamOnlyColumn, payment_ref: teamOnlyColumn },
    insert: [
      {
        // Of an invoice they read, in their own name: A and D (company X). B and E read only
        // Y's invoice, C only Z's, F (deactivated) none; the team starts no checkout.
        target: 'a checkout of inv:X in its own name',
        row: (f, actor) => ownCheckout(f, actor, 'inv:X'),
        expect: writes('insert', ['clientA', 'clientD'], BOTH, {
          clientB: refused(CHECKOUT_RULE),
          clientC: refused(CHECKOUT_RULE),
          clientE: refused(CHECKOUT_RULE),
          clientF: refused(CHECKOUT_RULE),
        }),
      },
      {
        target: 'a checkout of inv:Y-B in its own name',
        row: (f, actor) => ownCheckout(f, actor, 'inv:Y-B'),
        expect: writes('insert', ['clientB', 'clientE'], BOTH, {
          clientA: refused(CHECKOUT_RULE),
          clientC: refused(CHECKOUT_RULE),
          clientD: refused(CHECKOUT_RULE),
          clientF: refused(CHECKOUT_RULE),
        }),
      },
      {
        target: "a checkout of inv:X in D's name",
        row: (f) => ownCheckout(f, 'clientD', 'inv:X'),
        expect: writes('insert', ['clientD'], BOTH, {
          clientA: refused(CHECKOUT_OWN_NAME_RULE),
        }),
      },
    ],
    update: [
      {
        // The gateway's answer, as the worker applies it; clients hold no UPDATE grant.
        target: 'co:X/A, paid',
        where: byId('co:X/A'),
        set: () => ({ status: 'paid', payment_ref: unique('pi'), updated_at: now }),
        expect: writes('update', ['worker'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'co:X/D',
        where: byId('co:X/D'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  gateway_events: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The worker records what the gateways said, once; the admins read it (a flagged event waits
    // for them). Clients hold no grant.
    select: {
      ...adminsOnly(['ev:stripe'], ['U:ev:stripe']),
      worker: ['ev:stripe'],
    },
    insert: [
      {
        target: 'a notification from gw:stripe',
        row: (f) => ({
          ...T(f),
          gateway_id: f.id['gw:stripe'],
          event_id: unique('evt'),
          type: 'checkout.session.completed',
          outcome: 'applied',
          invoice_id: f.id['inv:X'],
          amount_minor: 7000,
          currency: 'GBP',
        }),
        expect: writes('insert', ['worker'], TEAM_ONLY),
      },
      {
        // A replay of ev:stripe's event id: the notification is applied once.
        target: "ev:stripe's event again",
        row: (f) => ({
          ...T(f),
          gateway_id: f.id['gw:stripe'],
          event_id: fixtureGatewayEvent,
          type: 'checkout.session.created',
          outcome: 'ignored',
        }),
        expect: writes('insert', [], TEAM_ONLY, { worker: 'conflict' }),
      },
    ],
    // The log is append-only: UPDATE and DELETE are revoked from the team, clients never held them.
    update: [
      {
        target: 'ev:stripe',
        where: byId('ev:stripe'),
        set: () => ({ outcome: 'flagged' }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: 'ev:stripe',
        where: byId('ev:stripe'),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  invitations: {
    key: ['tenant_id', 'role', 'user_id'],
    label: (r, f) => inTenant(r, f, r.user_id ? `${r.role}:${f.name(r.user_id)}` : String(r.role)),
    select: {
      admin: ['client:D', 'staff'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: [],
      adminU: ['U:staff'],
    },
    insert: [
      {
        target: 'a staff invitation',
        row: (f) => ({
          ...T(f),
          email: `${unique('invitee')}@example.test`,
          role: 'staff',
          token_hash: randomBytes(32).toString('hex'),
          expires_at: inAnHour,
        }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'the staff invitation',
        where: (f) => ({ ...T(f), role: 'staff' }),
        set: () => ({ expires_at: inAnHour }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'the staff invitation',
        where: (f) => ({ ...T(f), role: 'staff' }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  notification_preferences: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // Each person's own; the worker reads them all to decide whether to send.
    select: {
      admin: ['admin'],
      staffS1: [],
      staffS2: [],
      clientA: ['A'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: ['A', 'admin'],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: "a preference of client A's",
        row: (f) => ({ ...T(f), user_id: f.id.A, event: 'task-assigned', delivery: 'digest' }),
        expect: writes('insert', ['clientA'], BOTH),
      },
    ],
    update: [
      {
        target: "client A's preference",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ delivery: 'instant' }),
        expect: writes('update', ['clientA'], BOTH),
      },
    ],
    delete: [
      {
        target: "client A's preference",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  email_summaries: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // Each person's own choice of summary; the summary job claims a period as the person.
    select: {
      admin: ['admin'],
      staffS1: [],
      staffS2: [],
      clientA: ['A'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: "a summary choice of client B's",
        row: (f) => ({ ...T(f), user_id: f.id.B, frequency: 'weekly' }),
        expect: writes('insert', ['clientB'], BOTH),
      },
    ],
    update: [
      {
        target: "client A's summary choice",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ frequency: 'off' }),
        expect: writes('update', ['clientA'], BOTH),
      },
    ],
    delete: [
      {
        target: "client A's summary choice",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  notifications: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // The bell: one's own only, admins included.
    select: {
      admin: ['admin'],
      staffS1: ['S1'],
      staffS2: [],
      clientA: ['A'],
      clientB: ['B'],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'a notification to client A',
        row: (f) => ({ ...T(f), user_id: f.id.A, event: 'project-added', title: 'Probe' }),
        expect: writes('insert', ['admin', 'staffS1', 'staffS2', 'worker', 'clientA'], BOTH, {
          clientB: refused(NOTIFY_RULE),
          clientC: refused(NOTIFY_RULE),
          clientD: refused(NOTIFY_RULE),
          clientE: refused(NOTIFY_RULE),
          clientF: refused(NOTIFY_RULE),
        }),
      },
      {
        target: 'a notification to the admin',
        row: (f) => ({ ...T(f), user_id: f.id.admin, event: 'project-added', title: 'Probe' }),
        expect: writes('insert', ['admin', 'staffS1', 'staffS2', 'worker'], BOTH, {
          clientA: refused(NOTIFY_RULE),
          clientB: refused(NOTIFY_RULE),
          clientC: refused(NOTIFY_RULE),
          clientD: refused(NOTIFY_RULE),
          clientE: refused(NOTIFY_RULE),
          clientF: refused(NOTIFY_RULE),
        }),
      },
    ],
    update: [
      {
        target: "client A's notification, marked read",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ read_at: now }),
        expect: writes('update', ['clientA'], BOTH),
      },
      {
        // Clients may set read_at and nothing else (a column grant): the admin's own, retitled.
        target: "the admin's notification, retitled",
        where: (f) => ({ ...T(f), user_id: f.id.admin }),
        set: () => ({ title: 'Rewritten' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: "client A's notification",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  outbox: {
    key: ['tenant_id', 'user_id', 'template'],
    label: (r, f) => `${f.name(r.user_id)}:${r.template}`,
    // The email log: admins (and the worker); anyone acting may cause an email.
    select: {
      admin: ['A:project-added', 'admin:password-reset'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: ['A:project-added', 'admin:password-reset'],
      adminU: ['U:admin:password-reset'],
    },
    insert: [
      {
        target: 'an email to client A',
        row: (f) => ({ ...T(f), template: 'project-added', user_id: f.id.A, status: 'sent', sent_at: now }),
        expect: writes('insert', [...team.filter((a) => a !== 'adminU'), ...clients], BOTH),
      },
    ],
    update: [
      {
        target: 'the email to client A',
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ response: 'probe' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'the email to client A',
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  project_clients: {
    key: ['tenant_id', 'project_id', 'user_id'],
    label: (r, f) => `${f.name(r.project_id)}/${f.name(r.user_id)}`,
    // Admins and the worker (notices) all; staff those of their projects; a client only its own
    // assignments, never who else is on a project.
    select: {
      admin: ['P/A', 'P/B', 'P/D', 'P/E', 'P/F', 'Q/C', 'R/A'],
      staffS1: ['P/A', 'P/B', 'P/D', 'P/E', 'P/F'],
      staffS2: [],
      clientA: ['P/A', 'R/A'],
      clientB: ['P/B'],
      clientC: ['Q/C'],
      clientD: ['P/D'],
      clientE: ['P/E'],
      clientF: ['P/F'],
      worker: ['P/A', 'P/B', 'P/D', 'P/E', 'P/F', 'Q/C', 'R/A'],
      adminU: ['U:P/U:A'],
    },
    insert: [
      {
        target: 'client C assigned to P',
        row: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.C }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'P/B',
        where: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.B }),
        set: (f) => ({ added_by: f.id.admin }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'P/B',
        where: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.B }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  project_feed: {
    key: ['tenant_id', 'project_id', 'kind', 'user_id', 'task_id', 'milestone_id', 'message_id'],
    label: (r, f) => {
      const item = r.task_id ?? r.milestone_id ?? r.message_id;
      return `${f.name(r.project_id)}:${r.kind}${r.user_id ? `@${f.name(r.user_id)}` : ''}${item ? `#${f.name(item)}` : ''}`;
    },
    // A client sees an entry while it can read the project and the item it points at; one
    // addressed to someone else never. An item made internal takes its entries with it.
    select: {
      admin: [
        'P:comment.shared#msg-B-shared',
        'P:milestone.shared#MP-internal',
        'P:project.assigned@A',
        'P:project.created',
        'P:task.shared#P-internal',
        'P:task.shared#P-visible',
        'Q:project.created',
        'R:project.created',
      ],
      staffS1: [
        'P:comment.shared#msg-B-shared',
        'P:milestone.shared#MP-internal',
        'P:project.assigned@A',
        'P:project.created',
        'P:task.shared#P-internal',
        'P:task.shared#P-visible',
      ],
      staffS2: [],
      clientA: [
        'P:comment.shared#msg-B-shared',
        'P:project.assigned@A',
        'P:project.created',
        'P:task.shared#P-visible',
      ],
      clientB: ['P:comment.shared#msg-B-shared', 'P:project.created', 'P:task.shared#P-visible'],
      clientC: ['Q:project.created'],
      clientD: [],
      clientE: ['P:project.created'],
      clientF: [],
      worker: [],
      adminU: ['U:P:project.created'],
    },
    insert: [
      {
        target: 'an entry on P',
        row: (f) => ({ ...T(f), project_id: f.id.P, kind: 'project.status' }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'an entry on Q',
        row: (f) => ({ ...T(f), project_id: f.id.Q, kind: 'project.status' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    // Append-only for every runtime role.
    update: [
      {
        target: "P's created entry",
        where: (f) => ({ ...T(f), project_id: f.id.P, kind: 'project.created' }),
        set: () => ({ actor_name: 'Rewritten' }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "P's created entry",
        where: (f) => ({ ...T(f), project_id: f.id.P, kind: 'project.created' }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  project_staff: {
    key: ['tenant_id', 'project_id', 'user_id'],
    label: (r, f) => `${f.name(r.project_id)}/${f.name(r.user_id)}`,
    // The whole team knows who works on what; clients have no grant.
    select: {
      admin: ['P/S1', 'P/admin'],
      staffS1: ['P/S1', 'P/admin'],
      staffS2: ['P/S1', 'P/admin'],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: ['P/S1', 'P/admin'],
      adminU: ['U:P/U:admin'],
    },
    insert: [
      {
        target: 'S2 assigned to P',
        row: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.S2 }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'P/S1',
        where: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.S1 }),
        set: (f) => ({ added_by: f.id.admin }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'P/S1',
        where: (f) => ({ ...T(f), project_id: f.id.P, user_id: f.id.S1 }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  projects: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Clients: assigned, not archived, with `projects` on; the owning company alone gives nothing (O).
    // The worker reads them all (notices).
    select: {
      admin: ['O', 'P', 'Q', 'R'],
      staffS1: ['P'],
      staffS2: [],
      clientA: ['P'],
      clientB: ['P'],
      clientC: ['Q'],
      clientD: [],
      clientE: ['P'],
      clientF: [],
      worker: ['O', 'P', 'Q', 'R'],
      adminU: ['U:P'],
    },
    insert: [
      {
        target: 'a project of company X',
        row: (f) => ({ ...T(f), client_id: f.id.X, name: 'New project' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'project P',
        where: (f) => ({ ...T(f), id: f.id.P }),
        set: () => ({ name: 'Renamed' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'project O',
        where: (f) => ({ ...T(f), id: f.id.O }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  review_entries: {
    key: ['tenant_id', 'task_id', 'kind', 'round_n', 'actor_id'],
    label: (r, f) => `${f.name(r.task_id)}#${r.round_n}:${r.kind}@${f.name(r.actor_id)}`,
    // The team reads the trails of its projects; a client with `review` those of the tasks it
    // reads (D has neither `projects` nor `review`, E neither `tasks.view` nor `review`, F is
    // deactivated). The worker reads none: the reminder job goes through app_system.
    select: {
      admin: [
        'P-visible#1:round@admin',
        'P-visible#2:decision@B',
        'P-visible#2:round@S1',
        'Q-visible#1:round@admin',
      ],
      staffS1: ['P-visible#1:round@admin', 'P-visible#2:decision@B', 'P-visible#2:round@S1'],
      staffS2: [],
      clientA: ['P-visible#1:round@admin', 'P-visible#2:decision@B', 'P-visible#2:round@S1'],
      clientB: ['P-visible#1:round@admin', 'P-visible#2:decision@B', 'P-visible#2:round@S1'],
      clientC: ['Q-visible#1:round@admin'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:P-visible#1:round@U:admin'],
    },
    // The team's copy of names, and where each act came from: clients hold no grant on either.
    columns: {
      actor_name: teamOnlyColumn,
      ip: teamOnlyColumn,
    },
    insert: [
      {
        // A round in someone's name is theirs to submit; clients hold no grant on a round's
        // columns (reviewer_ids), and the round policy is the team's alone.
        target: "round 3 of P-visible in the admin's name",
        row: (f) => reviewRound(f, f.id.admin),
        expect: writes('insert', ['admin'], BOTH, clientsDenied),
      },
      {
        target: "round 3 of P-visible in S1's name",
        row: (f) => reviewRound(f, f.id.S1),
        expect: writes('insert', ['staffS1'], BOTH, clientsDenied),
      },
      {
        // A decision is the reviewer's own: the team never decides (its policy takes rounds only),
        // another client cannot decide for A. Which decisions A may make, the BEFORE INSERT
        // trigger says (the reviews tests).
        target: "A's approval of r:P-visible#2",
        row: (f) => ({
          ...T(f),
          task_id: f.id['P-visible'],
          kind: 'decision',
          round_id: f.id['r:P-visible#2'],
          actor_id: f.id.A,
          decision: 'approved',
        }),
        expect: writes('insert', ['clientA'], BOTH),
      },
    ],
    // Insert-only for every runtime role: nobody edits or removes history.
    update: [
      {
        target: "B's decision, rewritten",
        where: (f) => ({ ...T(f), round_id: f.id['r:P-visible#2'], actor_id: f.id.B }),
        set: () => ({ decision: 'revisions', body: 'Rewritten' }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "B's decision",
        where: (f) => ({ ...T(f), round_id: f.id['r:P-visible#2'], actor_id: f.id.B }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  review_reminders: {
    key: ['tenant_id', 'task_id', 'user_id'],
    label: (r, f) => `${f.name(r.task_id)}@${f.name(r.user_id)}`,
    // The team reads the reminders of its projects, the worker (which sends them) all; a client
    // its own.
    select: {
      admin: ['P-visible@A', 'Q-visible@C'],
      staffS1: ['P-visible@A'],
      staffS2: [],
      clientA: ['P-visible@A'],
      clientB: [],
      clientC: ['Q-visible@C'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: ['P-visible@A', 'Q-visible@C'],
      adminU: ['U:P-visible@U:A'],
    },
    insert: [
      {
        target: 'a reminder to B of r:P-visible#2',
        row: (f) => ({
          ...T(f),
          task_id: f.id['P-visible'],
          project_id: f.id.P,
          round_id: f.id['r:P-visible#2'],
          user_id: f.id.B,
        }),
        expect: writes('insert', ['worker'], TEAM_ONLY),
      },
    ],
    // The job's record: nobody edits or removes it (a round's deletion takes its reminders).
    update: [
      {
        target: 'the reminder to A',
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ sent_at: now }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: 'the reminder to A',
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  session_log: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // The history of sessions (IP, browser, how long): admins only, like the activity log. Nobody
    // writes it but the triggers on app.sessions (no grant for any runtime role).
    select: adminsOnly(['A', 'B', 'S1', 'admin'], ['U:admin']),
    insert: [
      {
        target: 'a session history row of client A',
        row: (f) => ({
          ...T(f),
          session_key: unique('key'),
          user_id: f.id.A,
          started_at: now,
          last_seen_at: now,
          expires_at: inAnHour,
        }),
        expect: writes('insert', [], NOBODY),
      },
    ],
    update: [
      {
        target: "client A's session history",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ ip: '192.0.2.1' }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "client A's session history",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  sessions: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // One's own; admins see and end everyone's.
    select: {
      admin: ['A', 'B', 'S1', 'admin'],
      staffS1: ['S1'],
      staffS2: [],
      clientA: ['A'],
      clientB: ['B'],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'a session of client A',
        row: (f) => ({
          ...T(f),
          id: randomBytes(32).toString('hex'),
          user_id: f.id.A,
          expires_at: inAnHour,
        }),
        expect: writes('insert', ['clientA'], BOTH),
      },
    ],
    update: [
      {
        target: "client A's session",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ last_seen_at: now }),
        expect: writes('update', ['clientA'], BOTH),
      },
    ],
    delete: [
      {
        target: "client A's session",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA', 'admin'], BOTH),
      },
    ],
  },

  task_statuses: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Board columns: everyone in the tenant reads them (a client sees its task's column name).
    select: everyoneInT(['done', 'todo'], ['U:todo']),
    insert: [
      {
        target: 'a column',
        row: (f) => ({ ...T(f), name: 'Later', kind: 'todo', position: 9 }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'the To do column',
        where: (f) => ({ ...T(f), id: f.id.todo }),
        set: () => ({ name: 'Backlog' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'the Done column (no tasks)',
        where: (f) => ({ ...T(f), id: f.id.done }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  tasks: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Clients: client-visible, unarchived tasks of readable projects with `tasks.view`; staff:
    // their projects'.
    select: {
      admin: ['P-archived', 'P-internal', 'P-visible', 'Q-visible', 'R-visible'],
      staffS1: ['P-archived', 'P-internal', 'P-visible'],
      staffS2: [],
      clientA: ['P-visible'],
      clientB: ['P-visible'],
      clientC: ['Q-visible'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:P-visible'],
    },
    insert: [
      {
        target: 'a task on P',
        row: (f) => ({ ...T(f), project_id: f.id.P, status_id: f.id.todo, title: 'New task' }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'a task on Q',
        row: (f) => ({ ...T(f), project_id: f.id.Q, status_id: f.id.todo, title: 'New task' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'P-visible',
        where: (f) => ({ ...T(f), id: f.id['P-visible'] }),
        set: () => ({ title: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'P-internal, moved to Q',
        where: (f) => ({ ...T(f), id: f.id['P-internal'] }),
        set: (f) => ({ project_id: f.id.Q }),
        expect: writes('update', ['admin'], TEAM_ONLY, { staffS1: 'rls' }),
      },
    ],
    delete: [
      {
        target: 'P-internal',
        where: (f) => ({ ...T(f), id: f.id['P-internal'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  milestones: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Like tasks: clients read client-visible milestones of readable projects with `tasks.view`.
    select: {
      admin: ['MP-internal', 'MP-visible', 'MQ-visible'],
      staffS1: ['MP-internal', 'MP-visible'],
      staffS2: [],
      clientA: ['MP-visible'],
      clientB: ['MP-visible'],
      clientC: ['MQ-visible'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:MP-visible'],
    },
    insert: [
      {
        target: 'a milestone on P',
        row: (f) => ({ ...T(f), project_id: f.id.P, name: 'New milestone' }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'a milestone on Q',
        row: (f) => ({ ...T(f), project_id: f.id.Q, name: 'New milestone' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'MP-internal, made client-visible',
        where: (f) => ({ ...T(f), id: f.id['MP-internal'] }),
        set: () => ({ client_visible: true }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'MP-internal',
        where: (f) => ({ ...T(f), id: f.id['MP-internal'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  messages: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Messages go with their thread: the team reads the threads it reaches whole (its projects'
    // task threads and discussions, the direct and internal threads it takes part in); a client
    // reads the client-visible messages of the threads it can read, and its own. Nobody deletes a
    // message (a marker stays).
    select: {
      admin: [
        'msg-A',
        'msg-B-shared',
        'msg-Q',
        'msg-chat-admin',
        'msg-dm-B',
        'msg-dm-admin',
        'msg-on-internal',
        'msg-talk-A',
        'msg-talk-admin',
        'msg-team-internal',
        'msg-team-visible',
      ],
      staffS1: [
        'msg-A',
        'msg-B-shared',
        'msg-chat-admin',
        'msg-on-internal',
        'msg-talk-A',
        'msg-talk-admin',
        'msg-team-internal',
        'msg-team-visible',
      ],
      staffS2: [],
      clientA: ['msg-A', 'msg-B-shared', 'msg-talk-A', 'msg-talk-admin', 'msg-team-visible'],
      clientB: ['msg-B-shared', 'msg-dm-B', 'msg-dm-admin', 'msg-team-visible'],
      clientC: ['msg-Q'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:msg-talk-admin', 'U:msg-team-visible'],
    },
    insert: [
      {
        target: 'a comment on th:P-visible in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...T(f),
            thread_id: f.id['th:P-visible'],
            author_id: 'userId' in who ? who.userId : null,
            body: 'Probe',
          };
        },
        expect: writes('insert', ['admin', 'staffS1', 'clientA', 'clientB'], BOTH),
      },
      {
        target: 'a comment on th:P-visible in client A’s name',
        row: (f) => ({ ...T(f), thread_id: f.id['th:P-visible'], author_id: f.id.A, body: 'Probe' }),
        expect: writes('insert', ['clientA'], BOTH),
      },
      {
        // Sharing a task's comment with other clients is the team's: clients hold the column's
        // grant for conversations, and their policy keeps it off task threads.
        target: 'a client-visible comment on th:P-visible in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...T(f),
            thread_id: f.id['th:P-visible'],
            author_id: 'userId' in who ? who.userId : null,
            body: 'Probe',
            client_visible: true,
          };
        },
        expect: writes('insert', ['admin', 'staffS1'], BOTH, {
          clientA: refused(CLIENT_COMMENT_INTERNAL_RULE),
          clientB: refused(CLIENT_COMMENT_INTERNAL_RULE),
        }),
      },
      {
        // The discussion's people, each under the name it shows them by (A: its company's).
        target: 'a message in th:P-talk in the writer’s own name, under its name there',
        row: (f, actor) => conversationMessage(f, actor, 'th:P-talk', shownName(f, actor)),
        expect: writes('insert', ['admin', 'staffS1', 'clientA'], BOTH),
      },
      {
        // A client writes under the name the agency chose for them in the conversation, never
        // another (the team's messages carry the names the team gives them).
        target: 'a message in th:P-talk in the writer’s own name, under company Y’s name',
        row: (f, actor) => conversationMessage(f, actor, 'th:P-talk', `Company Y of ${f.T.slug}`),
        expect: writes('insert', ['admin', 'staffS1'], BOTH, { clientA: refused(SHOWN_NAME_RULE) }),
      },
      {
        // B may write in the direct thread it takes part in; S1 does not read it.
        target: 'a message in th:dm-B in the writer’s own name, under its name there',
        row: (f, actor) => conversationMessage(f, actor, 'th:dm-B', shownName(f, actor)),
        expect: writes('insert', ['admin', 'clientB'], BOTH),
      },
      {
        // An internal chat is the team's alone, and its messages are internal.
        target: 'an internal message in th:team in the writer’s own name',
        row: (f, actor) => ({
          ...conversationMessage(f, actor, 'th:team', shownName(f, actor)),
          client_visible: false,
        }),
        expect: writes('insert', ['admin', 'staffS1'], BOTH, {
          clientA: refused(INTERNAL_CHAT_RULE),
          clientB: refused(INTERNAL_CHAT_RULE),
        }),
      },
    ],
    update: [
      {
        target: 'msg-A’s body',
        where: (f) => ({ ...T(f), id: f.id['msg-A'] }),
        set: () => ({ body: 'Edited', edited_at: now }),
        expect: writes('update', ['admin', 'staffS1', 'clientA'], BOTH),
      },
      {
        // A client edits its own messages in a conversation; the team those of the threads it reads.
        target: 'msg-talk-A’s body',
        where: byId('msg-talk-A'),
        set: () => ({ body: 'Edited', edited_at: now }),
        expect: writes('update', ['admin', 'staffS1', 'clientA'], BOTH),
      },
      {
        target: 'msg-A, shared with other clients',
        where: (f) => ({ ...T(f), id: f.id['msg-A'] }),
        set: () => ({ client_visible: true }),
        expect: writes('update', ['admin', 'staffS1'], BOTH, {
          clientA: 'denied',
          clientB: 'denied',
          clientC: 'denied',
          clientD: 'denied',
          clientE: 'denied',
          clientF: 'denied',
        }),
      },
    ],
    delete: [
      {
        target: 'msg-A',
        where: (f) => ({ ...T(f), id: f.id['msg-A'] }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  folders: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The team reads its projects' folders; a client only the folders on the way to a file they
    // read (fo:P-sub holds only an internal file, but fo:P-deep below it holds a visible one).
    select: {
      admin: ['fo:P', 'fo:P-deep', 'fo:P-empty', 'fo:P-sub', 'fo:Q'],
      staffS1: ['fo:P', 'fo:P-deep', 'fo:P-empty', 'fo:P-sub'],
      staffS2: [],
      clientA: ['fo:P', 'fo:P-deep', 'fo:P-sub'],
      clientB: ['fo:P', 'fo:P-deep', 'fo:P-sub'],
      clientC: [],
      clientD: [],
      clientE: ['fo:P', 'fo:P-deep', 'fo:P-sub'],
      clientF: [],
      worker: [],
      adminU: ['U:fo:P'],
    },
    insert: [
      {
        target: 'a folder on P',
        row: (f) => ({ ...T(f), project_id: f.id.P, name: unique('Folder') }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'a folder on Q',
        row: (f) => ({ ...T(f), project_id: f.id.Q, name: unique('Folder') }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'fo:P-sub, renamed',
        where: (f) => ({ ...T(f), id: f.id['fo:P-sub'] }),
        set: () => ({ name: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'fo:P-empty',
        where: (f) => ({ ...T(f), id: f.id['fo:P-empty'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  files: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The team reads its projects' files, the worker all of T's (the orphan sweep, share
    // notices). A client reads, in projects they read: with `files.download`, client-visible files
    // and the attachments of comments they read; their own uploads. E lacks `tasks.view`, so no
    // attachment; D lacks `projects`; F is deactivated. A direct thread's attachment (no project)
    // is read by whoever reads its message: the admin and B, not S1.
    select: {
      admin: [
        'f:P-by-A',
        'f:P-by-B-shared',
        'f:P-deep-visible',
        'f:P-sub-internal',
        'f:P-visible',
        'f:Q-visible',
        'f:att-internal',
        'f:att-visible',
        'f:dm-att',
      ],
      staffS1: [
        'f:P-by-A',
        'f:P-by-B-shared',
        'f:P-deep-visible',
        'f:P-sub-internal',
        'f:P-visible',
        'f:att-internal',
        'f:att-visible',
      ],
      staffS2: [],
      clientA: ['f:P-by-A', 'f:P-by-B-shared', 'f:P-deep-visible', 'f:P-visible', 'f:att-visible'],
      clientB: ['f:P-by-B-shared', 'f:P-deep-visible', 'f:P-visible', 'f:att-visible', 'f:dm-att'],
      clientC: ['f:Q-visible'],
      clientD: [],
      clientE: ['f:P-by-B-shared', 'f:P-deep-visible', 'f:P-visible'],
      clientF: [],
      worker: [
        'f:P-by-A',
        'f:P-by-B-shared',
        'f:P-deep-visible',
        'f:P-sub-internal',
        'f:P-visible',
        'f:Q-visible',
        'f:att-internal',
        'f:att-visible',
        'f:dm-att',
      ],
      adminU: ['U:f:P-visible'],
    },
    insert: [
      {
        target: 'an upload at the top of P in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...uploadRow(f),
            project_id: f.id.P,
            uploaded_by: 'userId' in who ? who.userId : null,
          };
        },
        // E may download but not upload; C is not on P.
        expect: writes('insert', ['admin', 'staffS1', 'clientA', 'clientB'], BOTH),
      },
      {
        target: 'an upload at the top of Q in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return { ...uploadRow(f), project_id: f.id.Q, uploaded_by: 'userId' in who ? who.userId : null };
        },
        expect: writes('insert', ['admin', 'clientC'], BOTH),
      },
      {
        target: 'an upload on P in client A’s name',
        row: (f) => ({ ...uploadRow(f), project_id: f.id.P, uploaded_by: f.id.A }),
        expect: writes('insert', ['clientA'], BOTH),
      },
      {
        // A client attaches files to their own comments only (msg-A is A's, on P).
        target: 'an upload onto msg-A in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...uploadRow(f),
            project_id: f.id.P,
            message_id: f.id['msg-A'],
            uploaded_by: 'userId' in who ? who.userId : null,
          };
        },
        expect: writes('insert', ['admin', 'staffS1', 'clientA'], BOTH),
      },
      {
        // A direct thread's attachment has no project: the team attaches to the messages it reads,
        // a client to its own messages there (with `messages`, no files permission needed).
        target: 'an upload onto msg-dm-B, with no project, in the writer’s own name',
        row: (f, actor) => ({ ...uploadRow(f), message_id: f.id['msg-dm-B'], uploaded_by: ownId(f, actor) }),
        expect: writes('insert', ['admin', 'clientB'], BOTH),
      },
      {
        target: 'an upload onto msg-dm-admin, with no project, in the writer’s own name',
        row: (f, actor) => ({
          ...uploadRow(f),
          message_id: f.id['msg-dm-admin'],
          uploaded_by: ownId(f, actor),
        }),
        expect: writes('insert', ['admin'], BOTH, { clientB: refused(OWN_ATTACHMENT_RULE) }),
      },
      {
        // Filing and sharing are the team's: the client role has no grant on those columns.
        target: 'an upload into fo:P, client-visible',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...uploadRow(f),
            project_id: f.id.P,
            folder_id: f.id['fo:P'],
            folder_path: sql`array[${f.id['fo:P']}]::uuid[]`,
            client_visible: true,
            uploaded_by: 'userId' in who ? who.userId : null,
          };
        },
        expect: writes('insert', ['admin', 'staffS1'], BOTH, clientsDenied),
      },
    ],
    update: [
      {
        target: 'f:P-sub-internal, made client-visible',
        where: (f) => ({ ...T(f), id: f.id['f:P-sub-internal'] }),
        set: () => ({ client_visible: true }),
        expect: writes('update', ['admin', 'staffS1', 'worker'], TEAM_ONLY),
      },
      {
        target: 'f:Q-visible, renamed',
        where: (f) => ({ ...T(f), id: f.id['f:Q-visible'] }),
        set: () => ({ name: 'Renamed.pdf' }),
        expect: writes('update', ['admin', 'worker'], TEAM_ONLY),
      },
      {
        target: 'f:dm-att, renamed',
        where: byId('f:dm-att'),
        set: () => ({ name: 'Renamed.pdf' }),
        expect: writes('update', ['admin', 'worker'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'f:P-by-A',
        where: (f) => ({ ...T(f), id: f.id['f:P-by-A'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  file_versions: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // The team (and the worker) read the versions of the files they read; clients read none:
    // they see a file's current version, on the file.
    select: {
      admin: [
        'fv:P-by-A',
        'fv:P-by-B-shared',
        'fv:P-deep-visible',
        'fv:P-sub-internal',
        'fv:P-visible',
        'fv:Q-visible',
        'fv:att-internal',
        'fv:att-visible',
        'fv:dm-att',
      ],
      staffS1: [
        'fv:P-by-A',
        'fv:P-by-B-shared',
        'fv:P-deep-visible',
        'fv:P-sub-internal',
        'fv:P-visible',
        'fv:att-internal',
        'fv:att-visible',
      ],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: [
        'fv:P-by-A',
        'fv:P-by-B-shared',
        'fv:P-deep-visible',
        'fv:P-sub-internal',
        'fv:P-visible',
        'fv:Q-visible',
        'fv:att-internal',
        'fv:att-visible',
        'fv:dm-att',
      ],
      adminU: ['U:fv:P-visible'],
    },
    insert: [
      {
        // A client records only the first version of their own upload (the upload tests cover it).
        target: 'version 2 of f:P-by-A in the writer’s own name',
        row: (f, actor) => {
          const who = f.actors[actor];
          return {
            ...uploadRow(f),
            file_id: f.id['f:P-by-A'],
            version: 2,
            uploaded_by: 'userId' in who ? who.userId : null,
          };
        },
        expect: writes('insert', ['admin', 'staffS1'], BOTH),
      },
      {
        target: 'version 2 of f:Q-visible',
        row: (f) => ({ ...uploadRow(f), file_id: f.id['f:Q-visible'], version: 2 }),
        expect: writes('insert', ['admin'], BOTH),
      },
    ],
    update: [
      {
        target: 'fv:P-visible, renamed',
        where: (f) => ({ ...T(f), id: f.id['fv:P-visible'] }),
        set: () => ({ name: 'Renamed.png' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'fv:P-sub-internal',
        where: (f) => ({ ...T(f), id: f.id['fv:P-sub-internal'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  storage_usage: {
    key: ['tenant_id'],
    label: (r, f) => f.name(r.tenant_id),
    // Kept by the database on every file change; admins read it; nobody writes it.
    select: {
      admin: ['T'],
      staffS1: [],
      staffS2: [],
      clientA: 'denied',
      clientB: 'denied',
      clientC: 'denied',
      clientD: 'denied',
      clientE: 'denied',
      clientF: 'denied',
      worker: [],
      adminU: ['U'],
    },
    insert: [{ target: 'a second usage row for T', row: T, expect: writes('insert', [], NOBODY) }],
    update: [
      {
        target: "T's usage, emptied",
        where: T,
        set: () => ({ bytes: 0, files: 0 }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [{ target: "T's usage", where: T, expect: writes('delete', [], NOBODY) }],
  },

  task_assignees: {
    key: ['task_id', 'user_id'],
    label: (r, f) => `${f.name(r.task_id)}/${f.name(r.user_id)}`,
    // The team reads its tasks' assignees; clients those of the tasks they read, because T shows
    // assignees to clients (U does not, and has no client actor here).
    select: {
      admin: ['P-internal/S1', 'P-visible/S1', 'P-visible/admin', 'Q-visible/admin'],
      staffS1: ['P-internal/S1', 'P-visible/S1', 'P-visible/admin'],
      staffS2: [],
      clientA: ['P-visible/S1', 'P-visible/admin'],
      clientB: ['P-visible/S1', 'P-visible/admin'],
      clientC: ['Q-visible/admin'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:P-visible/U:admin'],
    },
    insert: [
      {
        target: 'S2 onto P-visible',
        row: (f) => ({ ...T(f), task_id: f.id['P-visible'], user_id: f.id.S2, name: 'S2' }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'S2 onto Q-visible',
        row: (f) => ({ ...T(f), task_id: f.id['Q-visible'], user_id: f.id.S2, name: 'S2' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'P-visible/S1',
        where: (f) => ({ ...T(f), task_id: f.id['P-visible'], user_id: f.id.S1 }),
        set: () => ({ name: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'P-internal/S1',
        where: (f) => ({ ...T(f), task_id: f.id['P-internal'], user_id: f.id.S1 }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  tax_rates: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Admins only, as the invoice settings.
    select: adminsOnly(['tax:VAT'], ['U:tax:VAT']),
    insert: [
      {
        target: 'a new rate for T',
        row: (f) => ({ ...T(f), name: 'GST', rate_basis_points: 1000, inclusive: true }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'tax:VAT, archived',
        where: (f) => ({ ...T(f), id: f.id['tax:VAT'] }),
        set: () => ({ archived_at: now }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'tax:VAT',
        where: (f) => ({ ...T(f), id: f.id['tax:VAT'] }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  thread_participants: {
    key: ['thread_id', 'user_id'],
    label: (r, f) => `${f.name(r.thread_id)}/${f.name(r.user_id)}`,
    // Who takes part in a conversation. The team reads who takes part in which (not what is said:
    // that is the threads' and messages'), and adds and removes people in the threads it reads.
    // Clients read only their own rows (everyone in a thread reads its people from
    // threads.people) and write none.
    select: {
      admin: participantsOfT,
      staffS1: participantsOfT,
      staffS2: participantsOfT,
      clientA: ['th:P-talk/A'],
      clientB: ['th:dm-B/B'],
      clientC: [],
      clientD: ['th:P-talk/D'],
      clientE: ['th:dm-B/E'],
      clientF: [],
      worker: participantsOfT,
      adminU: ['U:th:P-talk/U:A', 'U:th:P-talk/U:admin'],
    },
    insert: [
      {
        // The project's staff bring people into its discussion; clients never write here.
        target: 'client B added to th:P-talk',
        row: (f) => ({
          ...T(f),
          thread_id: f.id['th:P-talk'],
          user_id: f.id.B,
          shown_name: shownName(f, 'clientB'),
        }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        // Those in an internal chat bring others in; S2 cannot let itself into one it does not read.
        target: 'S2 added to th:team',
        row: (f) => ({ ...T(f), thread_id: f.id['th:team'], user_id: f.id.S2, shown_name: 'S2' }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'S1 added to th:dm-B',
        row: (f) => ({ ...T(f), thread_id: f.id['th:dm-B'], user_id: f.id.S1, shown_name: 'S1' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        // The project's staff keep its discussion's people; S2 reads no discussion of P.
        target: 'th:P-talk/A, shown under another name',
        where: (f) => ({ ...T(f), thread_id: f.id['th:P-talk'], user_id: f.id.A }),
        set: () => ({ shown_name: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'th:P-talk/S1, shown under another name',
        where: (f) => ({ ...T(f), thread_id: f.id['th:P-talk'], user_id: f.id.S1 }),
        set: () => ({ shown_name: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'th:P-talk/A (A taken out of the discussion)',
        where: (f) => ({ ...T(f), thread_id: f.id['th:P-talk'], user_id: f.id.A }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'th:team/S1 (S1 leaves the chat)',
        where: (f) => ({ ...T(f), thread_id: f.id['th:team'], user_id: f.id.S1 }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
    ],
  },

  thread_reads: {
    key: ['thread_id', 'user_id'],
    label: (r, f) => `${f.name(r.thread_id)}@${f.name(r.user_id)}`,
    // One's own marks only, for threads one reads; the database keeps the marks of the people it
    // emails (S1 on th:P-talk and th:team, B and the admin on th:dm-B). The worker has none.
    select: {
      admin: ['th:P-talk@admin', 'th:dm-B@admin'],
      staffS1: ['th:P-talk@S1', 'th:team@S1'],
      staffS2: [],
      clientA: ['th:P-talk@A'],
      clientB: ['th:dm-B@B'],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:th:P-talk@U:admin'],
    },
    insert: [
      {
        // Whoever reads a task's thread marks it read (E lacks `tasks.view`, F is deactivated).
        target: 'a read mark of its own on th:P-visible',
        row: (f, actor) => ({
          ...T(f),
          thread_id: f.id['th:P-visible'],
          user_id: ownId(f, actor),
          read_at: now,
        }),
        expect: writes('insert', ['admin', 'staffS1', 'clientA', 'clientB'], BOTH),
      },
      {
        // S1 has a mark already (the one the database keeps when it emails).
        target: 'a read mark of its own on th:team',
        row: (f, actor) => ({ ...T(f), thread_id: f.id['th:team'], user_id: ownId(f, actor), read_at: now }),
        expect: writes('insert', ['admin'], BOTH, {
          staffS1: 'conflict',
          clientA: refused(OWN_MARKS_RULE),
          clientB: refused(OWN_MARKS_RULE),
        }),
      },
      {
        target: "client A's read mark on th:P-visible",
        row: (f) => ({ ...T(f), thread_id: f.id['th:P-visible'], user_id: f.id.A, read_at: now }),
        expect: writes('insert', ['clientA'], BOTH, { admin: refused(OWN_MARKS_RULE) }),
      },
    ],
    update: [
      {
        target: "A's mark on th:P-talk, read now",
        where: (f) => ({ ...T(f), thread_id: f.id['th:P-talk'], user_id: f.id.A }),
        set: () => ({ read_at: now }),
        expect: writes('update', ['clientA'], BOTH),
      },
      {
        // When the database last emailed someone is not theirs to change: clients hold no grant.
        target: "the admin's mark on th:P-talk, emailed now",
        where: (f) => ({ ...T(f), thread_id: f.id['th:P-talk'], user_id: f.id.admin }),
        set: () => ({ emailed_at: now }),
        expect: writes('update', ['admin'], BOTH, clientsDenied),
      },
    ],
    delete: [
      {
        // Clients hold no DELETE.
        target: "S1's mark on th:team",
        where: (f) => ({ ...T(f), thread_id: f.id['th:team'], user_id: f.id.S1 }),
        expect: writes('delete', ['staffS1'], TEAM_ONLY),
      },
    ],
  },

  message_reactions: {
    key: ['message_id', 'user_id', 'emoji'],
    label: (r, f) => `${f.name(r.message_id)}@${f.name(r.user_id)}:${r.emoji}`,
    // Read with the message: the discussion's people on P (B is not one of them).
    select: {
      admin: ['msg-talk-admin@A:❤️', 'msg-talk-admin@admin:👍'],
      staffS1: ['msg-talk-admin@A:❤️', 'msg-talk-admin@admin:👍'],
      staffS2: [],
      clientA: ['msg-talk-admin@A:❤️', 'msg-talk-admin@admin:👍'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:msg-talk-admin@U:admin:👍'],
    },
    insert: [
      {
        target: 'a 🎉 of its own to msg-talk-admin',
        row: (f, actor) => ({
          ...T(f),
          message_id: f.id['msg-talk-admin'],
          user_id: ownId(f, actor),
          emoji: '🎉',
        }),
        expect: writes('insert', ['admin', 'staffS1', 'clientA'], BOTH),
      },
      {
        target: "a 🎉 in A's name to msg-talk-admin",
        row: (f) => ({ ...T(f), message_id: f.id['msg-talk-admin'], user_id: f.id.A, emoji: '🎉' }),
        expect: writes('insert', ['clientA'], BOTH),
      },
      {
        // A task's comments take the team's reactions only.
        target: 'a 🎉 of its own to msg-team-visible (a task comment)',
        row: (f, actor) => ({
          ...T(f),
          message_id: f.id['msg-team-visible'],
          user_id: ownId(f, actor),
          emoji: '🎉',
        }),
        expect: writes('insert', ['admin', 'staffS1'], BOTH, {
          clientA: refused(TASK_REACTION_RULE),
          clientB: refused(TASK_REACTION_RULE),
        }),
      },
    ],
    update: [
      {
        // Clients hold no UPDATE: they take a reaction back and give another.
        target: "the admin's 👍 to msg-talk-admin, made 🎉",
        where: (f) => ({ ...T(f), message_id: f.id['msg-talk-admin'], user_id: f.id.admin }),
        set: () => ({ emoji: '🎉' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: "A's ❤️ to msg-talk-admin",
        where: (f) => ({ ...T(f), message_id: f.id['msg-talk-admin'], user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  realtime_events: {
    key: ['kind', 'thread_id', 'message_id', 'user_id'],
    label: (r, f) =>
      `${r.kind}${r.thread_id ? `:${f.name(r.thread_id)}` : ''}${r.message_id ? `#${f.name(r.message_id)}` : ''}${r.user_id ? `@${f.name(r.user_id)}` : ''}`,
    // Live events carry ids only, and are read as what they point at: one's own (a notification,
    // one's joining and read marks), or a thread's events while one reads the thread and the
    // message. The triggers write them; nobody else does.
    select: {
      admin: [...ownEvents.admin, ...threadEvents.admin],
      staffS1: [...ownEvents.S1, ...threadEvents.S1],
      staffS2: [],
      clientA: [...ownEvents.A, ...threadEvents.A],
      clientB: [...ownEvents.B, ...threadEvents.B],
      clientC: threadEvents.C,
      clientD: ownEvents.D,
      clientE: ownEvents.E,
      clientF: [],
      worker: [],
      adminU: [
        'message.changed:U:th:P-talk#U:msg-talk-admin',
        'message.posted:U:th:P-talk#U:msg-talk-admin',
        'message.posted:U:th:P-visible#U:msg-team-visible',
        'notification@U:admin',
        'thread.joined:U:th:P-talk@U:admin',
        'thread.people:U:th:P-talk',
        'thread.read:U:th:P-talk@U:admin',
      ],
    },
    insert: [
      {
        target: 'an event of th:P-talk',
        row: (f) => ({ ...T(f), kind: 'thread.people', thread_id: f.id['th:P-talk'] }),
        expect: writes('insert', [], NOBODY),
      },
    ],
    update: [
      {
        target: "th:P-talk's people event",
        where: (f) => ({ ...T(f), kind: 'thread.people', thread_id: f.id['th:P-talk'] }),
        set: () => ({ created_at: now }),
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "th:P-talk's people event",
        where: (f) => ({ ...T(f), kind: 'thread.people', thread_id: f.id['th:P-talk'] }),
        expect: writes('delete', [], NOBODY),
      },
    ],
  },

  threads: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // A task's thread goes with the task: the team reaches it with the task, a client while it
    // reads the task. A project discussion goes with its project for the team (admins all, staff
    // their projects'); a client reads it while taking part, reading the project, with `messages`
    // (D takes part in th:P-talk but reads no project; E in th:dm-B, without `messages`).
    // Direct and internal threads only their people and their maker read (admins no more than
    // staff); a client reads the direct ones it takes part in, with `messages`, never an internal one.
    select: {
      admin: [
        'th:P-archived',
        'th:P-internal',
        'th:P-talk',
        'th:P-visible',
        'th:Q-visible',
        'th:R-visible',
        'th:dm-B',
        'th:team',
      ],
      staffS1: ['th:P-archived', 'th:P-internal', 'th:P-talk', 'th:P-visible', 'th:team'],
      staffS2: [],
      clientA: ['th:P-talk', 'th:P-visible'],
      clientB: ['th:P-visible', 'th:dm-B'],
      clientC: ['th:Q-visible'],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:th:P-talk', 'U:th:P-visible'],
    },
    insert: [
      {
        target: 'a second thread for P-visible',
        row: (f) => ({ ...T(f), kind: 'task', project_id: f.id.P, task_id: f.id['P-visible'] }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict', staffS1: 'conflict' }),
      },
      {
        target: 'a second thread for Q-visible',
        row: (f) => ({ ...T(f), kind: 'task', project_id: f.id.Q, task_id: f.id['Q-visible'] }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
      {
        // A discussion is started on a project one reaches, in one's own name.
        target: 'a discussion on P in the writer’s own name',
        row: (f, actor) => ({
          ...T(f),
          kind: 'project',
          project_id: f.id.P,
          title: 'Probe',
          created_by: ownId(f, actor),
        }),
        expect: writes('insert', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'a discussion on Q in the writer’s own name',
        row: (f, actor) => ({
          ...T(f),
          kind: 'project',
          project_id: f.id.Q,
          title: 'Probe',
          created_by: ownId(f, actor),
        }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
      {
        // Anyone in the team starts a direct or internal thread, in their own name.
        target: 'an internal chat in the writer’s own name',
        row: (f, actor) => ({ ...T(f), kind: 'internal', title: 'Probe', created_by: ownId(f, actor) }),
        expect: writes('insert', ['admin', 'staffS1', 'staffS2'], TEAM_ONLY),
      },
      {
        target: 'an internal chat in the admin’s name',
        row: (f) => ({ ...T(f), kind: 'internal', title: 'Probe', created_by: f.id.admin }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: 'th:P-internal',
        where: (f) => ({ ...T(f), id: f.id['th:P-internal'] }),
        set: () => ({ created_at: now }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'th:P-talk, retitled',
        where: byId('th:P-talk'),
        set: () => ({ title: 'Retitled' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        // Its maker and its people (S1) change an internal chat; S2 does not read it.
        target: 'th:team, retitled',
        where: byId('th:team'),
        set: () => ({ title: 'Retitled' }),
        expect: writes('update', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        target: 'th:dm-B, retitled',
        where: byId('th:dm-B'),
        set: () => ({ title: 'Retitled' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'th:P-internal',
        where: (f) => ({ ...T(f), id: f.id['th:P-internal'] }),
        expect: writes('delete', ['admin', 'staffS1'], TEAM_ONLY),
      },
      {
        // A discussion is removed by an admin or its maker (the admin), not by the project's staff.
        target: 'th:P-talk',
        where: byId('th:P-talk'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
      {
        // An internal chat only by its maker: S1 takes part but did not make it.
        target: 'th:team',
        where: byId('th:team'),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },

  work_settings: {
    key: ['tenant_id'],
    label: (r, f) => f.name(r.tenant_id),
    // Everyone in the tenant reads it (clients' policies read the assignee setting); admins change it.
    select: everyoneInT(['T'], ['U']),
    insert: [
      {
        target: 'a second settings row for T',
        row: (f) => ({ ...T(f) }),
        expect: writes('insert', [], TEAM_ONLY, { admin: 'conflict' }),
      },
    ],
    update: [
      {
        target: "T's settings",
        where: T,
        set: () => ({ clients_see_assignees: false }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [{ target: "T's settings", where: T, expect: writes('delete', ['admin'], TEAM_ONLY) }],
  },

  user_tokens: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // One's own only, admins included.
    select: {
      admin: ['admin'],
      staffS1: [],
      staffS2: [],
      clientA: ['A'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'a token of client A',
        row: (f) => ({
          ...T(f),
          user_id: f.id.A,
          purpose: 'password_reset',
          token_hash: randomBytes(32).toString('hex'),
          expires_at: inAnHour,
        }),
        expect: writes('insert', ['clientA'], BOTH),
      },
    ],
    update: [
      {
        // Clients have no UPDATE on tokens at all.
        target: "the admin's token",
        where: (f) => ({ ...T(f), user_id: f.id.admin }),
        set: () => ({ used_at: now }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: "client A's token",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  two_factor: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // One's own (issue #19); admins see who in the tenant has it on.
    select: {
      admin: ['A', 'S1'],
      staffS1: ['S1'],
      staffS2: [],
      clientA: ['A'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'two-factor of client B',
        row: (f) => ({ ...T(f), user_id: f.id.B, secret_sealed: 'v1:sealed' }),
        expect: writes('insert', ['clientB'], BOTH),
      },
    ],
    update: [
      {
        target: "client A's two-factor",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ remember_epoch: 7 }),
        expect: writes('update', ['clientA'], BOTH),
      },
    ],
    delete: [
      {
        target: "client A's two-factor",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  pending_sign_ins: {
    key: ['tenant_id', 'user_id'],
    label: (r, f) => f.name(r.user_id),
    // One's own (a first factor proven elsewhere, as Google's hand-over); nobody changes one.
    select: {
      admin: [],
      staffS1: ['S1'],
      staffS2: [],
      clientA: ['A'],
      clientB: [],
      clientC: [],
      clientD: [],
      clientE: [],
      clientF: [],
      worker: [],
      adminU: ['U:admin'],
    },
    insert: [
      {
        target: 'a pending sign-in of client B',
        row: (f) => ({
          ...T(f),
          id: randomBytes(32).toString('hex'),
          user_id: f.id.B,
          method: 'google',
          expires_at: inAnHour,
        }),
        expect: writes('insert', ['clientB'], BOTH),
      },
    ],
    update: [
      {
        target: "client A's pending sign-in",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        set: () => ({ expires_at: inAnHour }),
        // Nobody holds UPDATE on it (and its policy is false besides).
        expect: writes('update', [], NOBODY),
      },
    ],
    delete: [
      {
        target: "client A's pending sign-in",
        where: (f) => ({ ...T(f), user_id: f.id.A }),
        expect: writes('delete', ['clientA'], BOTH),
      },
    ],
  },

  users: {
    key: ['id'],
    label: (r, f) => f.name(r.id),
    // Admins and the worker everyone; staff the team and the clients on their projects; a client
    // only itself.
    select: {
      admin: ['A', 'B', 'C', 'D', 'E', 'F', 'S1', 'S2', 'admin'],
      staffS1: ['A', 'B', 'D', 'E', 'F', 'S1', 'S2', 'admin'],
      staffS2: ['S1', 'S2', 'admin'],
      clientA: ['A'],
      clientB: ['B'],
      clientC: ['C'],
      clientD: ['D'],
      clientE: ['E'],
      clientF: ['F'],
      worker: ['A', 'B', 'C', 'D', 'E', 'F', 'S1', 'S2', 'admin'],
      adminU: ['U:A', 'U:admin'],
    },
    // The agency's notes about a client are the team's: clients have no grant on the column, not
    // even for their own row.
    columns: {
      notes: {
        ...(Object.fromEntries(matrixActors.map((a) => [a, 'ok'])) as Record<MatrixActor, 'ok'>),
        clientA: 'denied',
        clientB: 'denied',
        clientC: 'denied',
        clientD: 'denied',
        clientE: 'denied',
        clientF: 'denied',
      },
    },
    insert: [
      {
        target: 'a staff member',
        row: (f) => ({ ...T(f), email: `${unique('new')}@example.test`, name: 'New', role: 'staff' }),
        expect: writes('insert', ['admin'], TEAM_ONLY),
      },
    ],
    update: [
      {
        target: "S1's name",
        where: (f) => ({ ...T(f), id: f.id.S1 }),
        set: () => ({ name: 'Renamed' }),
        expect: writes('update', ['admin', 'staffS1'], BOTH),
      },
      {
        // Staff keep the role they act with.
        target: 'S1 made admin',
        where: (f) => ({ ...T(f), id: f.id.S1 }),
        set: () => ({ role: 'admin' }),
        expect: writes('update', ['admin'], TEAM_ONLY, { staffS1: 'rls' }),
      },
      {
        target: "client A's phone",
        where: (f) => ({ ...T(f), id: f.id.A }),
        set: () => ({ phone: '+44 1234 567890' }),
        expect: writes('update', ['admin', 'clientA'], BOTH),
      },
      {
        // The agency's notes about a client: no client grant on the column.
        target: "client A's notes",
        where: (f) => ({ ...T(f), id: f.id.A }),
        set: () => ({ notes: 'Rewritten' }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
      {
        // A client never grants itself a permission.
        target: "client D's permissions",
        where: (f) => ({ ...T(f), id: f.id.D }),
        set: () => ({ permissions: sql`array['projects', 'tasks.view']::text[]` }),
        expect: writes('update', ['admin'], TEAM_ONLY),
      },
    ],
    delete: [
      {
        target: 'staff member S2',
        where: (f) => ({ ...T(f), id: f.id.S2 }),
        expect: writes('delete', ['admin'], TEAM_ONLY),
      },
    ],
  },
};

/**
 * The name a person goes by in T's conversations: a client its company's (the agency's default),
 * a team member its own (the actor's title: any name the team gives itself passes).
 */
function shownName(f: MatrixFixture, actor: MatrixActor): string {
  const who = f.actors[actor];
  if (!('clientId' in who)) return actorTitles[actor];
  const companies: Record<string, string> = {
    [f.id.X as string]: `Client of ${f.T.slug}`,
    [f.id.Y as string]: `Company Y of ${f.T.slug}`,
    [f.id.Z as string]: `Company Z of ${f.T.slug}`,
  };
  return companies[who.clientId] ?? '?';
}

/** A client-visible message in `thread` in the actor's own name, under `authorName`. */
function conversationMessage(
  f: MatrixFixture,
  actor: MatrixActor,
  thread: string,
  authorName: string,
): Values {
  const who = f.actors[actor];
  return {
    ...T(f),
    thread_id: f.id[thread],
    author_id: 'userId' in who ? who.userId : null,
    author_name: authorName,
    body: 'Probe',
    client_visible: true,
  };
}

/** The actor's own id, or null for one acting without a user (the worker). */
const ownId = (f: MatrixFixture, actor: MatrixActor): string | null => {
  const who = f.actors[actor];
  return 'userId' in who ? who.userId : null;
};

/**
 * A checkout of `invoice`'s balance through gw:stripe in the actor's own name (the admin's for the
 * worker, which has none), with only the columns a client may write.
 */
function ownCheckout(f: MatrixFixture, actor: MatrixActor, invoice: string): Values {
  const who = f.actors[actor];
  return {
    ...T(f),
    invoice_id: f.id[invoice],
    gateway_id: f.id['gw:stripe'],
    amount_minor: 7000,
    currency: 'GBP',
    created_by: 'userId' in who ? who.userId : f.id.admin,
  };
}

/** The activity row each actor may write in its own name. */
function ownEntry(f: MatrixFixture, actor: MatrixActor): Values {
  const who = f.actors[actor];
  return {
    ...T(f),
    actor_kind: who.kind,
    actor_id: 'userId' in who ? who.userId : null,
    verb: 'matrix.probe',
  };
}

const isAllowed = (expected: Expected) => expected === 'ok' || expected === 'conflict';
const refusedByPolicy = (expected: Expected) =>
  typeof expected === 'object' || expected === 'rls' || expected === 'none';

interface Case {
  name: string;
  table: string;
  actor: MatrixActor;
  expected: Expected;
  /** The statement for an actor. */
  statement: (f: MatrixFixture, actor: MatrixActor) => ReturnType<typeof insertStatement>;
  /** An actor allowed the same statement on the same row, run first. */
  control: MatrixActor | null;
  controlExpected: Expected | null;
}

function casesOf(table: string, tableSpec: TableSpec): Case[] {
  const cases: Case[] = [];
  const add = (
    op: string,
    target: string,
    expect: PerActor,
    statement: (f: MatrixFixture, actor: MatrixActor) => ReturnType<typeof insertStatement>,
  ) => {
    const control = matrixActors.find((actor) => isAllowed(expect[actor])) ?? null;
    for (const actor of matrixActors) {
      const expected = expect[actor];
      const outcome = typeof expected === 'object' ? `refused (${expected.rule.slice(0, 60)}…)` : expected;
      const paired = control && control !== actor && !isAllowed(expected) ? ` (control: ${control})` : '';
      cases.push({
        name: `${actorTitles[actor]} ${op} ${target} → ${outcome}${paired}`,
        table,
        actor,
        expected,
        statement,
        control: control === actor ? null : control,
        controlExpected: control ? expect[control] : null,
      });
    }
  };
  for (const c of tableSpec.insert)
    add('INSERT', c.target, c.expect, (f, actor) => insertStatement(table, c.row(f, actor)));
  for (const c of tableSpec.update)
    add('UPDATE', c.target, c.expect, (f) => updateStatement(table, c.set(f), c.where(f)));
  for (const c of tableSpec.delete)
    add('DELETE', c.target, c.expect, (f) => deleteStatement(table, c.where(f)));
  return cases;
}

const tableNames = Object.keys(spec).sort();

describe('the actor matrix itself', () => {
  it('pairs every denial by a policy with an actor allowed the same write', () => {
    const unpaired = tableNames.flatMap((table) =>
      casesOf(table, spec[table] as TableSpec)
        .filter((c) => refusedByPolicy(c.expected) && c.control === null)
        .map((c) => `${table}: ${c.name}`),
    );
    expect(unpaired).toEqual([]);
  });

  it('names every actor in every expectation', () => {
    for (const table of tableNames) {
      const tableSpec = spec[table] as TableSpec;
      expect(Object.keys(tableSpec.select).sort(), `${table} select`).toEqual([...matrixActors].sort());
      for (const c of [...tableSpec.insert, ...tableSpec.update, ...tableSpec.delete])
        expect(Object.keys(c.expect).sort(), `${table} ${c.target}`).toEqual([...matrixActors].sort());
    }
  });
});

describe.each(drivers)('actor matrix on %s', (driver) => {
  let t: TestDatabase;
  let f: MatrixFixture;
  let catalog: string[];
  /** Labels of every row of T and of U, per table, read as the superuser. */
  let allRows: Record<string, { T: string[]; U: string[] }>;

  beforeAll(async () => {
    t = await openTestDatabase(driver);
    catalog = await tablesIn(t.superuser);
    f = await createMatrixFixture(t);
    allRows = {};
    for (const table of catalog) {
      const tableSpec = spec[table];
      if (!tableSpec) continue;
      const columns = [...new Set(['tenant_id', ...tableSpec.key])];
      const rows = await t.superuser<Record<string, string | null>>(
        `select ${columns.map((c) => `"${c}"::text`).join(', ')} from app."${table}" where tenant_id in ($1, $2)`,
        [f.T.id, f.U.id],
      );
      const labels = (tenant: string) =>
        rows
          .filter((r) => r.tenant_id === tenant)
          .map((r) => tableSpec.label(r, f))
          .sort();
      allRows[table] = { T: labels(f.T.id), U: labels(f.U.id) };
    }
  });
  afterAll(() => t.close());

  it('every app table has an expectation, and every expectation a table', () => {
    const missing = catalog.filter((table) => !(table in spec));
    expect(
      missing,
      'app tables without an entry in tests/integration/actor-matrix.test.ts: the issue that adds a ' +
        'table adds its row of the matrix (who reads which fixture rows, who writes) and its fixture rows ' +
        'in tests/support/matrix.ts',
    ).toEqual([]);
    expect(
      tableNames.filter((table) => !catalog.includes(table)),
      'expectations for tables that do not exist',
    ).toEqual([]);
  });

  describe.each(tableNames)('app.%s', (table) => {
    const tableSpec = spec[table] as TableSpec;

    it('the fixture has exactly the rows the expectations name, each read by someone', () => {
      const rows = allRows[table];
      if (!rows) throw new Error(`app.${table} is not in the catalog`);
      const named = new Set(
        matrixActors
          .filter((actor) => actor !== 'adminU')
          .flatMap((actor) => {
            const reads = tableSpec.select[actor];
            return reads === 'denied' ? [] : reads;
          }),
      );
      expect(rows.T.length, `rows of T in app.${table}`).toBeGreaterThan(0);
      expect(rows.T).toEqual([...named].sort());
      // No two rows share a label, or a count could hide one.
      expect(new Set(rows.T).size).toBe(rows.T.length);
      const ofU = tableSpec.select.adminU;
      expect(ofU === 'denied' ? [] : ofU.filter((label) => !rows.U.includes(label))).toEqual([]);
      expect(
        ofU === 'denied' ? 0 : ofU.length,
        `rows of U read by U's admin in app.${table}`,
      ).toBeGreaterThan(0);
    });

    it.each(
      matrixActors.map((actor) => ({ actor, title: actorTitles[actor], reads: tableSpec.select[actor] })),
    )('$title SELECT → $reads', async ({ actor, reads }) => {
      const seen = await labelsSeen(t.handle.db, f.actors[actor], table, tableSpec.key, (row) =>
        tableSpec.label(row, f),
      );
      expect(seen).toEqual(reads === 'denied' ? 'denied' : [...reads].sort());
    });

    const columnCases = Object.entries(tableSpec.columns ?? {}).flatMap(([column, expect]) =>
      matrixActors.map((actor) => ({ actor, column, expected: expect[actor], title: actorTitles[actor] })),
    );
    if (columnCases.length > 0)
      it.each(columnCases)(
        '$title SELECT column $column → $expected',
        async ({ actor, column, expected }) => {
          const seen = await labelsSeen(t.handle.db, f.actors[actor], table, [column], () => 'row');
          expect(seen === 'denied' ? 'denied' : 'ok').toBe(expected);
        },
      );

    const cases = casesOf(table, tableSpec);
    it.each(cases)('$name', async (c) => {
      if (c.control && c.controlExpected) {
        const controlOutcome = await outcomeOf(t.handle.db, f.actors[c.control], c.statement(f, c.control));
        expect(controlOutcome, `control: ${actorTitles[c.control]}`).toBe(c.controlExpected);
      }
      const outcome = await outcomeOf(t.handle.db, f.actors[c.actor], c.statement(f, c.actor));
      if (typeof c.expected === 'object') {
        expect(['rls', 'denied'], c.expected.rule).toContain(outcome);
      } else {
        expect(outcome).toBe(c.expected);
      }
    });
  });

  it('leaves the fixture as it found it (every write above was rolled back)', async () => {
    const [row] = await t.superuser<{ users: number; tasks: number }>(
      `select (select count(*)::int from app.users where tenant_id = $1) as users,
              (select count(*)::int from app.tasks where tenant_id = $1) as tasks`,
      [f.T.id],
    );
    expect(row).toEqual({ users: 9, tasks: 5 });
  });
});
