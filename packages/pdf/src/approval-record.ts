/**
 * The approval record of a task: what was approved (each file's version and SHA-256), in which
 * rounds, by whom and when, and whether the tamper-evident trail behind it still verifies.
 * The team's copy adds IP addresses; the client's copy never prints one, whatever it is given.
 */
import { type Brand, type Cell, colours, createDocument, type TextPart, toBuffer } from './document';
import { formatBytes, formatDateTime, joinNames } from './format';

export type ApprovalDeliverable =
  | { kind: 'file'; name: string; version: number; size: number; sha256: string; contentType: string }
  | { kind: 'link'; label: string; url: string };

export interface ApprovalDecision {
  by: string;
  decision: 'approved' | 'revisions';
  at: Date;
  ip: string | null;
  comment: string | null;
  /** Already described, e.g. "on homepage.png at 42%, 17%" or "on brief.pdf, page 3". */
  pin: string | null;
}

export interface ApprovalRound {
  n: number;
  state: 'open' | 'approved' | 'revisions' | 'superseded';
  /** `any`: one approval suffices; `all`: every reviewer must approve. */
  rule: 'any' | 'all';
  submittedBy: string;
  submittedAt: Date;
  /** Team copy only (null on the client copy). */
  ip: string | null;
  /** Plain text, possibly several lines. */
  note: string | null;
  /** Names as this copy may show them. */
  reviewers: string[];
  deliverables: ApprovalDeliverable[];
  decisions: ApprovalDecision[];
}

export interface ApprovalRecord {
  brand: Brand;
  /** The client's copy has no IP addresses. */
  copy: 'team' | 'client';
  generatedAt: Date;
  /** IANA, e.g. 'Europe/London'; every time is printed in it and the zone named once. */
  timeZone: string;
  task: { title: string; projectName: string; clientName: string | null; url: string | null };
  /** Names as this copy may show them. */
  outcome: { state: 'approved'; approvedAt: Date; approvedBy: string[] };
  trail: { ok: boolean; entries: number; brokenAt: number | null; checkedAt: Date };
  rounds: ApprovalRound[];
}

const ROUND_STATES: Record<ApprovalRound['state'], { label: string; color: string }> = {
  approved: { label: 'Approved', color: colours.green },
  revisions: { label: 'Revisions requested', color: colours.amber },
  superseded: { label: 'Superseded', color: colours.muted },
  open: { label: 'Open', color: colours.blue },
};

const DECISIONS: Record<ApprovalDecision['decision'], { label: string; color: string }> = {
  approved: { label: 'Approved', color: colours.green },
  revisions: { label: 'Revisions requested', color: colours.amber },
};

const RULES: Record<ApprovalRound['rule'], string> = {
  any: 'One approval suffices',
  all: 'Every reviewer must approve',
};

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

export async function approvalRecordPdf(record: ApprovalRecord): Promise<Buffer> {
  const team = record.copy === 'team';
  const when = (date: Date) => formatDateTime(date, record.timeZone);
  const doc = createDocument({
    title: `Approval record: ${record.task.title}`,
    subject: `${record.task.projectName} — ${team ? 'team copy' : 'client copy'}`,
    brand: record.brand,
    now: record.generatedAt,
    timeZone: record.timeZone,
  });

  doc.heading('Approval record', 1);
  doc.keyValues([
    ['Task', { text: record.task.title, font: 'bold' }],
    ['Project', record.task.projectName],
    ...(record.task.clientName ? [['Client', record.task.clientName] as const] : []),
    ...(record.task.url ? [['Link', { text: record.task.url, color: colours.blue }] as const] : []),
    ['Copy', team ? 'Team copy (includes IP addresses; not for clients)' : 'Client copy'],
    ['Times', `Shown in ${record.timeZone}`],
  ]);
  doc.space(4);

  const approvedBy = record.outcome.approvedBy.length ? `, by ${joinNames(record.outcome.approvedBy)}` : '';
  doc.callout(
    [
      { text: 'Approved', font: 'bold', size: 12, color: colours.green },
      { text: `Approved on ${when(record.outcome.approvedAt)}${approvedBy}.` },
    ],
    colours.green,
  );

  const { trail } = record;
  const trailParts: TextPart[] = trail.ok
    ? [
        {
          text: `Trail verified: ${plural(trail.entries, 'entry', 'entries')}, unchanged since they were written`,
          font: 'bold',
          color: colours.green,
        },
      ]
    : [
        {
          text:
            trail.brokenAt === null
              ? 'Trail does NOT verify: an entry was changed or removed'
              : `Trail does NOT verify: entry ${trail.brokenAt} was changed or removed`,
          font: 'bold',
          color: colours.red,
        },
        { text: 'Don’t rely on this record until the trail has been looked into.' },
      ];
  trailParts.push({ text: `Checked ${when(trail.checkedAt)}`, color: colours.muted, size: 8.5 });
  doc.callout(trailParts, trail.ok ? colours.green : colours.red);

  for (const round of record.rounds) {
    const state = ROUND_STATES[round.state];
    doc.heading(`Round ${round.n} — ${state.label}`, 2, state.color);
    const submitted: [string, Cell][] = [
      ['Submitted by', round.submittedBy],
      ['Submitted', when(round.submittedAt)],
    ];
    if (team && round.ip) submitted.push(['IP address', round.ip]);
    submitted.push(['Reviewers', round.reviewers.length ? joinNames(round.reviewers) : '—']);
    submitted.push(['Approval rule', RULES[round.rule]]);
    doc.keyValues(submitted);

    if (round.note?.trim()) {
      doc.heading('Note', 3);
      doc.paragraph(round.note.trim());
    }

    doc.heading('Deliverables', 3);
    if (round.deliverables.length === 0) {
      doc.paragraph('None.', { color: colours.muted });
    } else {
      doc.table({
        columns: [
          { header: 'Name', width: 30 },
          { header: 'Version', width: 9, align: 'right' },
          { header: 'Size', width: 11, align: 'right' },
          { header: 'SHA-256', width: 50 },
        ],
        rows: round.deliverables.map((d): Cell[] =>
          d.kind === 'file'
            ? [
                d.name,
                `v${d.version}`,
                formatBytes(d.size),
                { text: d.sha256.toLowerCase(), font: 'mono', size: 7.5 },
              ]
            : [
                [{ text: d.label }, { text: d.url, color: colours.blue, size: 7.5 }],
                '—',
                '—',
                { text: 'Link (no checksum)', color: colours.muted },
              ],
        ),
      });
    }

    doc.heading('Decisions', 3);
    if (round.decisions.length === 0) {
      doc.paragraph('No decisions in this round.', { color: colours.muted });
    } else {
      doc.table({
        columns: [
          { header: 'Who', width: team ? 20 : 22 },
          { header: 'Decision', width: team ? 17 : 18 },
          // Wide enough on the team copy for most IPv6 addresses on one line.
          { header: team ? 'When and from' : 'When', width: team ? 26 : 22 },
          { header: 'Comment', width: team ? 37 : 38 },
        ],
        rows: round.decisions.map((d): Cell[] => {
          const decision = DECISIONS[d.decision];
          const at: TextPart[] = [{ text: when(d.at) }];
          if (team && d.ip) at.push({ text: d.ip, font: 'mono', size: 6.5, color: colours.muted });
          const comment: TextPart[] = [];
          if (d.comment?.trim()) comment.push({ text: d.comment.trim() });
          if (d.pin) comment.push({ text: `Pinned ${d.pin}`, color: colours.muted, size: 7.5 });
          if (comment.length === 0) comment.push({ text: '—', color: colours.muted });
          return [d.by, { text: decision.label, font: 'bold', color: decision.color }, at, comment];
        }),
      });
    }
  }

  doc.heading('About this record', 3);
  doc.paragraph(
    'Each deliverable’s SHA-256 checksum identifies the exact file that was approved. To check a copy you hold, compute its checksum (`sha256sum file` on Linux, `shasum -a 256 file` on macOS, `Get-FileHash file` in PowerShell) and compare it with the one above: if a single byte differs, so does the checksum.',
    { size: 8.5, color: colours.muted },
  );
  doc.paragraph(
    'The trail is the chain of review events this record is drawn from. Each entry carries a fingerprint of the one before it, so changing or removing an entry breaks the chain from that point on. “Trail verified” means the whole chain was checked when this record was made and found intact.',
    { size: 8.5, color: colours.muted },
  );

  return toBuffer(doc);
}
