import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPdf, demoPng } from './demo-files';

const run = promisify(execFile);

/** The text poppler reads from the PDF (pdftotext, from poppler-utils, must be installed). */
async function textOf(dir: string, pdf: Buffer): Promise<{ text: string; warnings: string }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  await writeFile(file, pdf);
  const { stdout, stderr } = await run('pdftotext', ['-layout', file, '-']);
  return { text: stdout, warnings: stderr };
}

/** Each xref entry's offset, checked against where `N 0 obj` really starts. */
function xrefMismatches(pdf: Buffer): number[] {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  const table = /^xref\n0 (\d+)\n/.exec(text.slice(startxref));
  if (!table) return [-1];
  const count = Number(table[1]);
  const entries = text.slice(startxref + table[0].length, startxref + table[0].length + count * 20);
  const wrong: number[] = [];
  for (let n = 1; n < count; n += 1) {
    const offset = Number(entries.slice(n * 20, n * 20 + 10));
    if (!text.startsWith(`${n} 0 obj\n`, offset)) wrong.push(n);
  }
  return wrong;
}

describe('demoPdf', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'foyer-demo-pdf-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a PDF 1.4 whose title and lines poppler reads back, escapes included', async () => {
    const pdf = demoPdf('Brand guidelines (v2) \\ “Acme” – café', [
      'Colours: Crust (#7C2D12).',
      '',
      'Voice: warm.',
    ]);
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(xrefMismatches(pdf)).toEqual([]);
    const { text, warnings } = await textOf(dir, pdf);
    expect(warnings).toBe('');
    expect(text).toContain('Brand guidelines (v2) \\ “Acme” – café');
    expect(text).toContain('Colours: Crust (#7C2D12).');
    expect(text).toContain('Voice: warm.');
  });

  it('wraps long lines and continues on a second page', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i}: ${'word '.repeat(30)}end.`);
    const pdf = demoPdf('Long notes', long);
    expect(xrefMismatches(pdf)).toEqual([]);
    expect(pdf.toString('latin1')).toMatch(/\/Count [2-9]/);
    const { text, warnings } = await textOf(dir, pdf);
    expect(warnings).toBe('');
    expect(text).toContain('Long notes');
    expect(text).toContain('Paragraph 59:');
    // Every printed line fits the text block.
    for (const line of text.split('\n')) expect(line.trim().length).toBeLessThanOrEqual(100);
  });

  it('is the same bytes for the same input', () => {
    expect(demoPdf('Same', ['a', 'b']).equals(demoPdf('Same', ['a', 'b']))).toBe(true);
  });
});

describe('demoPng', () => {
  const colours = ['#1e3a8a', '#f59e0b', '#fde68a'];

  it('renders a small PNG of the asked size', async () => {
    const png = await demoPng({ width: 800, height: 600, colours, seed: 'Logo concepts.png' });
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 800, height: 600 });
    expect(png.length).toBeLessThan(60 * 1024);
  });

  it('draws the same picture for the same seed and another for another seed', async () => {
    const one = await demoPng({ width: 200, height: 150, colours, seed: 'a' });
    const again = await demoPng({ width: 200, height: 150, colours, seed: 'a' });
    const other = await demoPng({ width: 200, height: 150, colours, seed: 'b' });
    expect(one.equals(again)).toBe(true);
    expect(one.equals(other)).toBe(false);
  });

  it('refuses no colours and absurd sizes', async () => {
    await expect(demoPng({ width: 100, height: 100, colours: [], seed: 1 })).rejects.toThrow(TypeError);
    await expect(demoPng({ width: 10_000, height: 10_000, colours, seed: 1 })).rejects.toThrow(RangeError);
  });
});
