import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type InvoiceDocument, type InvoiceLine, invoicePdf } from './invoice';

const SELLER = 'Brød & Smør ApS';
const BUYER = "Société Générale d'Études";
const CONTACT = 'Zoë Ñúñez';

const dir = mkdtempSync(join(tmpdir(), 'invoice-test-'));
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

/** Where each needle is found, each searched for after the previous one; -1 when missing. */
function positions(text: string, needles: readonly string[]): number[] {
  let from = 0;
  return needles.map((needle) => {
    const at = text.indexOf(needle, from);
    if (at >= 0) from = at + needle.length;
    return at;
  });
}

function expectInOrder(text: string, needles: readonly string[]): void {
  const found = positions(text, needles);
  const missing = needles.filter((_, i) => found[i] === -1);
  expect(missing, `missing or out of order in:\n${text}`).toEqual([]);
}

/**
 * The watermark across a draft or a void invoice is drawn as outlines, not text: were it text,
 * its letters would be read back in the middle of these rows and blocks.
 */
function expectRowsIntact(text: string): void {
  expect(text).toMatch(/^\s*Brød & Smør ApS\s+Société Générale d'Études\s*$/m);
  expect(text).toMatch(/^\s*Tax ID: DK12345678\s+France\s*$/m);
  expect(text).toMatch(/^\s*Logo design and guidelines\s+1\s+€3,450\.00\s+—\s+VAT 25%\s+€3,450\.00\s*$/m);
  expect(text).toMatch(
    /^\s*Printed business cards \(boxes of 250\)\s+4\s+€37\.50\s+—\s+VAT 12%\s+€150\.00\s*$/m,
  );
  expect(text).toMatch(/^\s*VAT 12%\s+€18\.00\s*$/m);
}

const LINES: InvoiceLine[] = [
  {
    description:
      'Brand workshop: two half-day sessions with the founders, a moodboard and a written summary of the brand’s values',
    quantity: '2',
    unitPrice: '€1,200.00',
    discount: '10%',
    taxes: 'VAT 25%',
    amount: '€2,160.00',
  },
  {
    description: 'Logo design and guidelines',
    quantity: '1',
    unitPrice: '€3,450.00',
    discount: null,
    taxes: 'VAT 25%',
    amount: '€3,450.00',
  },
  {
    description: 'Printed business cards (boxes of 250)',
    quantity: '4',
    unitPrice: '€37.50',
    discount: null,
    taxes: 'VAT 12%',
    amount: '€150.00',
  },
];

const TOTALS: InvoiceDocument['totals'] = [
  { label: 'Subtotal', amount: '€5,850.00' },
  { label: 'Discounts', amount: '−€240.00' },
  { label: 'VAT 25%', amount: '€1,402.50' },
  { label: 'VAT 12%', amount: '€18.00' },
  { label: 'Total', amount: '€7,180.50', strong: true },
  { label: 'Balance due', amount: '€7,180.50', strong: true },
];

function invoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    brand: { name: 'Brød & Smør Studio', accent: '#0e7490', logo: null },
    generatedAt: new Date('2026-12-07T10:00:00Z'),
    timeZone: 'Europe/Copenhagen',
    seller: {
      businessName: SELLER,
      address: 'Nørrebrogade 12\n2200 København N\nDenmark',
      taxId: 'DK12345678',
      email: 'hej@broedogsmoer.example',
      phone: '+45 12 34 56 78',
      website: 'https://broedogsmoer.example',
    },
    buyer: {
      companyName: BUYER,
      contactName: CONTACT,
      address: '29 boulevard Haussmann\n75009 Paris\nFrance',
      taxId: 'FR40303265045',
      email: 'comptabilite@sge.example',
    },
    number: 'INV-0042',
    status: { key: 'sent', label: 'Sent' },
    issueDate: '7 December 2026',
    dueDate: '6 January 2027',
    currency: 'EUR',
    projectName: 'Brand refresh 2027',
    lines: LINES,
    totals: TOTALS,
    payments: [],
    notes: 'Thank you for choosing us. Tusind tak!',
    terms: 'Payment within 30 days by bank transfer to IBAN DK50 0040 0440 1162 43.',
    payUrl: 'https://pay.broedogsmoer.example/i/8f3a',
    ...overrides,
  };
}

describe('invoicePdf', () => {
  it('prints the parties, the dates, every line and every total, in order, accents included', async () => {
    const pdf = await invoicePdf(invoice());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, stderr, info } = readBack(pdf);
    expect(stderr).toBe('');
    expect(info).toMatch(/^Title:\s+Invoice INV-0042$/m);
    expect(info).toMatch(/^Subject:\s+Société Générale d'Études$/m);

    expect(text).toContain('Invoice INV-0042');
    expect(text).toContain('SENT');
    for (const s of [
      SELLER,
      BUYER,
      CONTACT,
      'Nørrebrogade 12',
      '2200 København N',
      'DK12345678',
      'FR40303265045',
    ]) {
      expect(text).toContain(s);
    }
    for (const s of ['7 December 2026', '6 January 2027', 'EUR', 'Brand refresh 2027'])
      expect(text).toContain(s);

    // Line by line: description, quantity, unit price and amount, then the next line's.
    expectInOrder(
      text,
      LINES.flatMap((line) => [
        line.description.split(' ')[0] as string,
        line.quantity,
        line.unitPrice,
        line.amount,
      ]),
    );
    // The long description wraps within its cell and arrives whole, its words in order.
    expectInOrder(text, (LINES[0] as InvoiceLine).description.split(' '));
    expect(text).toMatch(/^\s*with the founders, a moodboard and a\s*$/m);
    // A line's numbers share its first text line, right of the description.
    for (const line of LINES) {
      const row = text.split('\n').find((l) => l.includes(line.unitPrice));
      expect(row).toMatch(
        new RegExp(`\\s${line.quantity}\\s+\\S*${line.unitPrice.slice(1)}.*${line.amount.slice(1)}\\s*$`),
      );
    }
    expect(text).toContain('10%');

    // Every totals row, label and amount on one line, in order, after the last line.
    const lastLine = text.indexOf(LINES[2]?.amount as string);
    const totalRows = TOTALS.map((t) => {
      const row = text.split('\n').find((l) => new RegExp(`^\\s*${t.label}\\s+${t.amount}\\s*$`).test(l));
      expect(row, `${t.label} ${t.amount}`).toBeDefined();
      return row as string;
    });
    expect(positions(text, totalRows).every((at) => at > lastLine)).toBe(true);
    expectInOrder(text.slice(lastLine), totalRows);

    expectInOrder(text, [
      'Notes',
      'Tusind tak!',
      'Terms',
      'IBAN DK50',
      'Pay online: https://pay.broedogsmoer.example/i/8f3a',
    ]);
    expect(text).not.toContain('DRAFT');
    expect(text).not.toContain('VOID');
    expect(text).not.toContain('Payments received');
    expect(text).toContain('Page 1 of 1');
    expectRowsIntact(text);
  });

  it('marks a draft as a draft, with no number', async () => {
    const pdf = await invoicePdf(
      invoice({ number: null, status: { key: 'draft', label: 'Draft' }, issueDate: null, dueDate: null }),
    );
    const { text, info } = readBack(pdf);
    expect(text).toContain('Draft invoice');
    expect(text).toContain('DRAFT');
    expect(text).not.toContain('INV-');
    expect(text).not.toContain('Invoice number');
    expect(info).toMatch(/^Title:\s+Draft invoice$/m);
    // A draft cannot be paid yet, whatever it is handed.
    expect(text).not.toContain('Pay online');
    expect(text).toContain(TOTALS[4]?.amount);
    expectRowsIntact(text);
    // DRAFT is printed twice (the badge and the notice); the watermark adds no third.
    expect(text.match(/DRAFT/g)).toHaveLength(2);
  });

  it('marks a void invoice VOID and offers no way to pay it', async () => {
    const { text } = readBack(await invoicePdf(invoice({ status: { key: 'void', label: 'Void' } })));
    expect(text).toContain('VOID');
    expect(text).toContain('This invoice has been cancelled. Nothing is owed on it.');
    expect(text).toContain('Invoice INV-0042');
    expect(text).not.toContain('Pay online');
    expectRowsIntact(text);
    expect(text.match(/VOID/g)).toHaveLength(2);
  });

  it('runs sixty lines across pages under a repeated header row, the totals after the last line', async () => {
    const lines: InvoiceLine[] = Array.from({ length: 60 }, (_, i) => ({
      description: `Line ${i + 1}: ${i % 7 === 0 ? 'design and build of a page of the new website, with two rounds of changes' : 'support hour'}`,
      quantity: String((i % 5) + 1),
      unitPrice: '€95.00',
      discount: null,
      taxes: 'VAT 25%',
      amount: `€${((i % 5) + 1) * 95}.00`,
    }));
    const started = performance.now();
    const pdf = await invoicePdf(invoice({ lines }));
    const first = performance.now() - started;
    const { text, stderr } = readBack(pdf);
    expect(stderr).toBe('');

    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(text).toContain('Page 2 of');
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect([...text.matchAll(/Line (\d+):/g)].map((m) => Number(m[1]))).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    const headers = text
      .split('\n')
      .filter((l) => /^\s*Description\s+Qty\s+Unit price\s+Tax\s+Amount\s*$/.test(l));
    expect(headers.length).toBe(pages);
    expect(text.indexOf('Balance due')).toBeGreaterThan(text.indexOf('Line 60:'));
    // Each page starts with the header row of the table that runs onto it: page breaks are form feeds.
    for (const page of text.split('\f').slice(1, -1)) expect(page).toMatch(/Description\s+Qty/);

    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await invoicePdf(invoice({ lines }));
      runs.push(performance.now() - start);
    }
    console.info(
      `sixty-line invoice (${pages} pages): first ${first.toFixed(0)} ms, then ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    expect(Math.min(...runs)).toBeLessThan(250);
  });

  it('lists the payments received on a paid invoice', async () => {
    const { text } = readBack(
      await invoicePdf(
        invoice({
          status: { key: 'paid', label: 'Paid' },
          totals: [
            ...TOTALS.slice(0, 5),
            { label: 'Paid', amount: '€7,180.50' },
            { label: 'Balance due', amount: '€0.00', strong: true },
          ],
          payments: [
            {
              date: '20 December 2026',
              method: 'Bank transfer',
              reference: 'SGE-2026-118',
              amount: '€4,000.00',
            },
            { date: '3 January 2027', method: 'Card', reference: null, amount: '€3,180.50' },
          ],
        }),
      ),
    );
    expect(text).toContain('PAID');
    expectInOrder(text, [
      'Balance due',
      'Payments received',
      '20 December 2026',
      'Bank transfer',
      'SGE-2026-118',
      '€4,000.00',
      '3 January 2027',
      'Card',
      '€3,180.50',
      'Notes',
    ]);
    expect(text).toMatch(/^\s*Balance due\s+€0\.00\s*$/m);
    // Paid: nothing left to pay online.
    expect(text).not.toContain('Pay online');
  });

  it('never names the product, in the text, the bytes or the document information', async () => {
    for (const key of ['sent', 'draft', 'void'] as const) {
      const pdf = await invoicePdf(
        invoice({ status: { key, label: key }, number: key === 'draft' ? null : 'INV-0042' }),
      );
      const { text, info } = readBack(pdf);
      expect(text.toLowerCase()).not.toContain('foyer');
      expect(pdf.toString('latin1').toLowerCase()).not.toContain('foyer');
      expect(pdf.includes(Buffer.from('\u0000F\u0000o\u0000y\u0000e\u0000r', 'latin1'))).toBe(false);
      expect(info.toLowerCase()).not.toContain('foyer');
      expect(info.toLowerCase()).not.toContain('pdfkit');
      expect(info).toMatch(/^Producer:\s+Brød & Smør Studio$/m);
      expect(pdf.toString('latin1')).not.toContain('Helvetica');
    }
  });

  it('is repeatable: the same invoice makes the same bytes', async () => {
    const a = await invoicePdf(invoice({ status: { key: 'void', label: 'Void' } }));
    const b = await invoicePdf(invoice({ status: { key: 'void', label: 'Void' } }));
    expect(a.equals(b)).toBe(true);
    const c = await invoicePdf(invoice());
    expect(c.equals(a)).toBe(false);
    expect(c.equals(await invoicePdf(invoice()))).toBe(true);
  });

  it('stacks the seller and the buyer when a word would not fit beside the other', async () => {
    const email = 'accounts.payable.department.for.all.subsidiaries@societe-generale-etudes.example';
    const { text } = readBack(await invoicePdf(invoice({ buyer: { ...invoice().buyer, email } })));
    expect(text).toContain(email);
    // Stacked: the buyer's name is on a line of its own, below the seller's details.
    expect(text.indexOf(BUYER)).toBeGreaterThan(text.indexOf('https://broedogsmoer.example'));
    const side = readBack(await invoicePdf(invoice())).text;
    expect(side.split('\n').some((l) => l.includes(SELLER) && l.includes(BUYER))).toBe(true);
  });
});
