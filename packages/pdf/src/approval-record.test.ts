import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApprovalRecord, type ApprovalRound, approvalRecordPdf } from './approval-record';
import { formatBytes, formatDateTime } from './format';

// An 8×4 red PNG: enough for pdfkit to decode and embed.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAECAIAAAA8r+mnAAAAEUlEQVR4nGM4IWeDFTFQTwIAJs0kQUd4wtwAAAAASUVORK5CYII=',
  'base64',
);
// The first bytes of a WebP file: a type the header must leave out.
const WEBP = Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1');

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const HASHES = [sha('homepage v1'), sha('brief v1'), sha('homepage v2'), sha('brief v2'), sha('logo v1')];

const ZOE = 'Zoë Ñúñez';
const LUKASZ = 'Łukasz Żółć';
const DANG = 'Đặng Thị';

const dir = mkdtempSync(join(tmpdir(), 'pdf-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function readBack(pdf: Buffer): { text: string; stderr: string; info: string } {
  const path = join(dir, `${++files}.pdf`);
  writeFileSync(path, pdf);
  const text = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  const info = spawnSync('pdfinfo', ['-enc', 'UTF-8', path], { encoding: 'utf8' });
  expect(text.status).toBe(0);
  expect(info.status).toBe(0);
  return { text: text.stdout, stderr: text.stderr + info.stderr, info: info.stdout };
}

const squash = (s: string) => s.replace(/\s+/g, '');

const longNote = Array.from(
  { length: 70 },
  (_, i) => `Line ${i + 1} of the note: the hero now uses the client’s photography and the new strapline.`,
).join('\n');

const longComment = Array.from(
  { length: 18 },
  (_, i) => `Point ${i + 1}: the spacing under the heading feels tight.`,
).join(' ');

function round(n: number, state: ApprovalRound['state'], copy: 'team' | 'client'): ApprovalRound {
  const first = n === 1;
  return {
    n,
    state,
    rule: first ? 'any' : 'all',
    submittedBy: DANG,
    submittedAt: new Date(first ? '2026-07-14T09:30:05Z' : '2026-07-20T16:02:41Z'),
    ip: copy === 'team' ? (first ? '198.51.100.23' : '198.51.100.24') : null,
    note: first ? longNote : 'Second round: spacing fixed.\nThe brief now has the new prices.',
    reviewers: [ZOE, LUKASZ],
    deliverables: [
      {
        kind: 'file',
        name: 'homepage.png',
        version: n,
        size: 1_258_291,
        sha256: first ? (HASHES[0] as string) : (HASHES[2] as string),
        contentType: 'image/png',
      },
      {
        kind: 'file',
        name: 'brief.pdf',
        version: n,
        size: 840,
        sha256: first ? (HASHES[1] as string) : (HASHES[3] as string),
        contentType: 'application/pdf',
      },
      ...(first
        ? []
        : [
            {
              kind: 'file' as const,
              name: 'logo.svg',
              version: 1,
              size: 20_480,
              sha256: HASHES[4] as string,
              contentType: 'image/svg+xml',
            },
            { kind: 'link' as const, label: 'Staging site', url: 'https://staging.example.com/home' },
          ]),
    ],
    decisions: first
      ? [
          {
            by: ZOE,
            decision: 'revisions',
            at: new Date('2026-07-15T08:00:00Z'),
            ip: copy === 'team' ? '203.0.113.7' : null,
            comment: longComment,
            pin: 'on homepage.png at 42%, 17%',
          },
        ]
      : [
          {
            by: ZOE,
            decision: 'approved',
            at: new Date('2026-07-21T10:15:00Z'),
            ip: copy === 'team' ? '203.0.113.8' : null,
            comment: 'Lovely, thank you!',
            pin: null,
          },
          {
            by: LUKASZ,
            decision: 'approved',
            at: new Date('2026-07-21T11:45:30Z'),
            ip: copy === 'team' ? '2001:db8:85a3::8a2e:370:7334' : null,
            comment: null,
            pin: 'on brief.pdf, page 3',
          },
        ],
  };
}

function record(copy: 'team' | 'client', overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    brand: { name: 'Northwind Studio', accent: '#7c3aed', logo: null },
    copy,
    generatedAt: new Date('2026-07-22T09:00:00Z'),
    timeZone: 'Europe/London',
    task: {
      title: 'Homepage redesign',
      projectName: 'Website 2026',
      clientName: 'Acme Ltd',
      url: 'https://portal.northwind.example/tasks/42',
    },
    outcome: { state: 'approved', approvedAt: new Date('2026-07-21T11:45:30Z'), approvedBy: [ZOE, LUKASZ] },
    trail: { ok: true, entries: 12, brokenAt: null, checkedAt: new Date('2026-07-22T09:00:00Z') },
    rounds: [round(1, 'revisions', copy), round(2, 'approved', copy)],
    ...overrides,
  };
}

const IPS = ['198.51.100.23', '198.51.100.24', '203.0.113.7', '203.0.113.8', '2001:db8:85a3::8a2e:370:7334'];

describe('approvalRecordPdf', () => {
  it('prints both rounds, every checksum in full, the names exactly and the times in the zone', async () => {
    const pdf = await approvalRecordPdf(record('team'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, stderr } = readBack(pdf);
    expect(stderr).toBe('');

    expect(text).toContain('Approval record');
    expect(text).toContain('Round 1 — Revisions requested');
    expect(text).toContain('Round 2 — Approved');
    expect(text).toContain('Homepage redesign');
    expect(text).toContain('Website 2026');
    expect(text).toContain('Acme Ltd');
    expect(text).toContain('Shown in Europe/London');
    for (const name of [ZOE, LUKASZ, DANG]) expect(text).toContain(name);
    expect(text).toContain(`by ${ZOE} and ${LUKASZ}.`);

    // A checksum is printed in two lines of 32 in its column; the other cells of its row fit on
    // one line, so with whitespace removed each hash reads back whole.
    const flat = squash(text);
    for (const hash of HASHES) {
      expect(flat).toContain(hash);
      expect(text).toContain(hash.slice(0, 32));
      expect(text).toContain(hash.slice(32));
    }
    expect(text).toContain('1.2 MB');
    expect(text).toContain('840 B');
    expect(text).toContain('https://staging.example.com/home');

    // Times in Europe/London (summer time, UTC+1), not UTC.
    expect(text).toContain('14 Jul 2026, 10:30:05'); // round 1 submitted
    expect(text).toContain('15 Jul 2026, 09:00:00'); // Zoë asks for revisions
    expect(text).toContain('21 Jul 2026, 12:45:30'); // Łukasz approves
    expect(text).toContain('Approved on 21 Jul 2026, 12:45:30');
    expect(text).not.toContain('10:45:30');
    expect(text).toContain('Generated 22 Jul 2026, 10:00:00');

    expect(text).toMatch(/Revisions requested/);
    expect(text).toContain('Lovely, thank you!');
    expect(text).toContain('Pinned on homepage.png at 42%, 17%');
    expect(text).toContain('Pinned on brief.pdf, page 3');
    expect(text).toContain('One approval suffices');
    expect(text).toContain('Every reviewer must approve');

    // The long note runs onto a second page and arrives whole.
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    for (const i of [1, 35, 70]) expect(text).toContain(`Line ${i} of the note:`);
    // The long comment wraps in its cell; every point is there, in order.
    expect([...text.matchAll(/Point (\d+):/g)].map((m) => Number(m[1]))).toEqual(
      Array.from({ length: 18 }, (_, i) => i + 1),
    );

    expect(text).toContain('Trail verified: 12 entries, unchanged since they were written');
    expect(text).toContain('Checked 22 Jul 2026, 10:00:00');
    expect(text).toContain('sha256sum');
  });

  it('gives the team copy the IP addresses and the client copy none', async () => {
    const team = readBack(await approvalRecordPdf(record('team'))).text;
    for (const ip of IPS) expect(team).toContain(ip);
    // The longest form of an IPv6 address is cut in two in its cell, but is all there.
    const long = '2001:0db8:85a3:0000:0000:8a2e:0370:7334';
    const withLong = record('team');
    (withLong.rounds[1] as ApprovalRound).decisions[1] = {
      ...((withLong.rounds[1] as ApprovalRound).decisions[1] as ApprovalRound['decisions'][number]),
      ip: long,
    };
    expect(squash(readBack(await approvalRecordPdf(withLong)).text)).toContain(long);
    expect(team).toContain('Team copy');

    // The client copy leaves IPs out even when it is handed some by mistake.
    const leaky = record('client');
    const withIps = record('team');
    leaky.rounds = withIps.rounds;
    const client = readBack(await approvalRecordPdf(leaky)).text;
    for (const ip of IPS) expect(client).not.toContain(ip);
    expect(client).not.toContain('IP address');
    expect(client).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    expect(client).toContain('Client copy');
    expect(client).toContain(HASHES[0]?.slice(0, 32));
  });

  it('splits a comment longer than a page between pages, under a repeated header row', async () => {
    const essay = Array.from(
      { length: 260 },
      (_, i) => `Point ${i + 1}: move the logo a little to the left.`,
    ).join(' ');
    const long = record('client');
    long.rounds = [round(1, 'revisions', 'client')];
    (long.rounds[0] as ApprovalRound).note = null;
    ((long.rounds[0] as ApprovalRound).decisions[0] as ApprovalRound['decisions'][number]).comment = essay;
    const { text, stderr } = readBack(await approvalRecordPdf(long));
    expect(stderr).toBe('');
    // "Point" and its number can fall on two lines of the cell, so read the text unwrapped.
    expect([...squash(text).matchAll(/Point(\d+):/g)].map((m) => Number(m[1]))).toEqual(
      Array.from({ length: 260 }, (_, i) => i + 1),
    );
    expect(text).toContain('Pinned on homepage.png at 42%, 17%');
    // The decisions table's header row opens each page the comment runs onto.
    const headers = text.split('\n').filter((line) => /^\s*Who\s+Decision\s+When\s+Comment\s*$/.test(line));
    expect(headers.length).toBeGreaterThanOrEqual(2);
    expect(Number(/Page 1 of (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(headers.length);
  });

  it('warns in red words when the trail does not verify', async () => {
    const pdf = await approvalRecordPdf(
      record('client', {
        trail: { ok: false, entries: 12, brokenAt: 7, checkedAt: new Date('2026-07-22T09:00:00Z') },
      }),
    );
    const { text } = readBack(pdf);
    expect(text).toContain('Trail does NOT verify: entry 7 was changed or removed');
    expect(text).not.toContain('Trail verified:');
  });

  it('never names the product, in the text, the bytes or the document information', async () => {
    for (const copy of ['team', 'client'] as const) {
      const pdf = await approvalRecordPdf(record(copy));
      const { text, info } = readBack(pdf);
      expect(text.toLowerCase()).not.toContain('foyer');
      expect(pdf.toString('latin1').toLowerCase()).not.toContain('foyer');
      expect(pdf.includes(Buffer.from('\u0000F\u0000o\u0000y\u0000e\u0000r', 'latin1'))).toBe(false);
      expect(info.toLowerCase()).not.toContain('foyer');
      expect(info.toLowerCase()).not.toContain('pdfkit');
      expect(info).toMatch(/^Producer:\s+Northwind Studio$/m);
      expect(info).toMatch(/^Creator:\s+Northwind Studio$/m);
      expect(info).toMatch(/^Author:\s+Northwind Studio$/m);
      expect(info).toMatch(/^Title:\s+Approval record: Homepage redesign$/m);
      // Only DejaVu is embedded: no standard font that lacks the names' letters.
      expect(pdf.toString('latin1')).not.toContain('Helvetica');
    }
  });

  it('is repeatable: the same record makes the same bytes', async () => {
    const a = await approvalRecordPdf(record('team'));
    const b = await approvalRecordPdf(record('team'));
    expect(a.equals(b)).toBe(true);
  });

  it('puts a PNG logo in the header, and leaves a WebP one out without failing', async () => {
    const plain = await approvalRecordPdf(record('client'));
    const withPng = await approvalRecordPdf(
      record('client', {
        brand: {
          name: 'Northwind Studio',
          accent: '#7c3aed',
          logo: { bytes: PNG, contentType: 'image/png' },
        },
      }),
    );
    expect(withPng.toString('latin1')).toContain('/Subtype /Image');
    // The logo stands in for the printed name.
    expect(readBack(withPng).text.split('\n')[0]).not.toContain('Northwind Studio');
    expect(readBack(plain).text).toMatch(/^\s*Northwind Studio/);

    const withWebp = await approvalRecordPdf(
      record('client', {
        brand: {
          name: 'Northwind Studio',
          accent: 'not a colour',
          logo: { bytes: WEBP, contentType: 'image/webp' },
        },
      }),
    );
    expect(withWebp.toString('latin1')).not.toContain('/Subtype /Image');
    expect(readBack(withWebp).text).toMatch(/^\s*Northwind Studio/);
    // A file claiming to be a PNG that is not one is left out too.
    const liar = await approvalRecordPdf(
      record('client', {
        brand: {
          name: 'Northwind Studio',
          accent: '#7c3aed',
          logo: { bytes: WEBP, contentType: 'image/png' },
        },
      }),
    );
    expect(liar.toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('leaves out, at once, a PNG whose chunks do not hold together (a decoder could spin on it)', async () => {
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const header = PNG.subarray(0, 33);
    const corrupt = [
      // A signature and noise: the bytes of a logo that once kept a renderer busy for minutes.
      Uint8Array.from([...signature, ...Array.from({ length: 24 }, (_, i) => (i * 97 + 13) % 256)]),
      // A real header with the rest cut off (no IEND).
      Uint8Array.from(header),
      // A chunk claiming more bytes than the file has.
      Uint8Array.from([...header, 0x7f, 0xff, 0xff, 0xff, 0x49, 0x44, 0x41, 0x54, 0, 0, 0, 0]),
    ];
    for (const bytes of corrupt) {
      const started = performance.now();
      const pdf = await approvalRecordPdf(
        record('client', {
          brand: { name: 'Northwind Studio', accent: '#7c3aed', logo: { bytes, contentType: 'image/png' } },
        }),
      );
      expect(performance.now() - started).toBeLessThan(2000);
      expect(pdf.toString('latin1')).not.toContain('/Subtype /Image');
      expect(readBack(pdf).text).toMatch(/^\s*Northwind Studio/);
    }
  });

  it('renders a ten-round record quickly once the fonts are loaded', async () => {
    const big = record('team');
    big.rounds = Array.from({ length: 10 }, (_, i) => ({
      ...round(i + 1, i === 9 ? 'approved' : 'revisions', 'team'),
      note: 'A short note for this round.',
    }));
    await approvalRecordPdf(big);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await approvalRecordPdf(big);
      runs.push(performance.now() - start);
    }
    const best = Math.min(...runs);
    console.info(`ten-round approval record: ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    expect(best).toBeLessThan(200);
  });
});

describe('formatting', () => {
  it('prints sizes as the files pages do', () => {
    expect(formatBytes(840)).toBe('840 B');
    expect(formatBytes(1_258_291)).toBe('1.2 MB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });

  it('prints times in the given zone', () => {
    const at = new Date('2026-01-05T23:30:00Z');
    expect(formatDateTime(at, 'Europe/London')).toBe('5 Jan 2026, 23:30:00');
    expect(formatDateTime(at, 'Asia/Ho_Chi_Minh')).toBe('6 Jan 2026, 06:30:00');
    expect(formatDateTime(at, 'America/New_York')).toBe('5 Jan 2026, 18:30:00');
  });
});
