/**
 * A thin layer over pdfkit for the documents agencies hand out (approval records, invoices):
 * A4 pages under the agency's header, DejaVu fonts, and the few blocks those documents are made
 * of. Documents are white-label: nothing here names the product, not even the PDF's metadata.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { formatDateTime } from './format';

export interface Brand {
  name: string;
  /** `#rrggbb`; anything else falls back to a neutral slate. */
  accent: string;
  /** PNG or JPEG; other types are left out and the name is printed instead. */
  logo?: { bytes: Uint8Array; contentType: string } | null;
}

export interface CreateDocumentOptions {
  title: string;
  /** Defaults to the agency's name. */
  author?: string;
  subject?: string;
  brand: Brand;
  /** When the document is made: its CreationDate and the footer's line, so output is repeatable. */
  now: Date;
  /** IANA zone for the footer's time. */
  timeZone: string;
  /** A large faint word across every page (`VOID`), so no page of the document can pass for valid. */
  watermark?: { text: string; color: string } | null;
}

export type FontName = 'regular' | 'bold' | 'mono';

/** A run of text with one style; cells and callouts stack several. */
export interface TextPart {
  text: string;
  font?: FontName;
  size?: number;
  color?: string;
}

export type Cell = string | TextPart | readonly TextPart[];

export interface TableColumn {
  header: string;
  /** A share of the content width, relative to the other columns'. */
  width: number;
  align?: 'left' | 'right';
}

export interface TableSpec {
  columns: readonly TableColumn[];
  rows: readonly (readonly Cell[])[];
}

/** A row of a summary block such as an invoice's totals. */
export interface SummaryRow {
  label: string;
  value: string;
  /** Bold. */
  strong?: boolean;
  /** Framed in the accent colour, e.g. the amount due. */
  boxed?: boolean;
}

export const colours = {
  text: '#1f2328',
  muted: '#59636e',
  rule: '#d1d9e0',
  headerFill: '#f3f5f7',
  green: '#1a7f37',
  red: '#cf222e',
  amber: '#9a6700',
  blue: '#0969da',
} as const;

const PAGE = { size: 'A4', width: 595.28, height: 841.89 } as const;
const MARGIN = { top: 96, bottom: 64, left: 50, right: 50 } as const;
const BODY_SIZE = 9.5;
const CELL_SIZE = 8.5;
const CELL_PAD_X = 5;
const CELL_PAD_Y = 4;
const PART_GAP = 2;
const LINE_GAP = 1.5;

const require = createRequire(import.meta.url);

interface FontFiles {
  regular: Buffer;
  bold: Buffer;
  mono: Buffer;
}

let fontFiles: FontFiles | undefined;

/** Read once per process: every document then parses the fonts from memory. */
function fonts(): FontFiles {
  fontFiles ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
    mono: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf')),
  };
  return fontFiles;
}

function validColour(value: string, fallback: string): string {
  return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
}

/** pdfkit reads images by their bytes, whatever the stored type says; both must agree. */
function logoImage(logo: Brand['logo']): Buffer | null {
  if (!logo) return null;
  const bytes = Buffer.from(logo.bytes.buffer, logo.bytes.byteOffset, logo.bytes.byteLength);
  const type = logo.contentType.toLowerCase().split(';')[0]?.trim();
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (type === 'image/png' && png) return wellFormedPng(bytes) ? bytes : null;
  if ((type === 'image/jpeg' || type === 'image/jpg') && jpeg) return bytes;
  return null;
}

/** The largest logo, in pixels each way, that a document decodes. */
const MAX_LOGO_SIDE = 4096;

/**
 * Whether a PNG's chunks hold together: IHDR first (13 bytes, a sane size), every chunk inside
 * the file, IEND at the end. pdfkit's decoder trusts the lengths it reads, and on a corrupt file
 * it can spin for minutes: such a logo is left out before it gets there.
 */
function wellFormedPng(bytes: Buffer): boolean {
  let at = 8;
  let first = true;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (length > bytes.length - at - 12) return false;
    if (first) {
      if (type !== 'IHDR' || length !== 13) return false;
      const width = bytes.readUInt32BE(at + 8);
      const height = bytes.readUInt32BE(at + 12);
      if (width < 1 || height < 1 || width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE) return false;
      first = false;
    }
    if (type === 'IEND') return true;
    at += length + 12;
  }
  return false;
}

function partsOf(cell: Cell): TextPart[] {
  if (typeof cell === 'string') return [{ text: cell }];
  if (Array.isArray(cell)) return [...(cell as readonly TextPart[])];
  return [cell as TextPart];
}

/** The parts of a fontkit font (pdfkit's embedded font's `font`) that give glyph outlines. */
interface OutlineFont {
  unitsPerEm: number;
  layout(text: string): {
    bbox: { minY: number; maxY: number };
    glyphs: { path: { toSVG(): string } }[];
    positions: { xAdvance: number; xOffset: number; yOffset: number }[];
  };
}

/** pdfkit's `openImage`, missing from its types: one embedded copy serves every page. */
type ImageOpener = { openImage(src: Buffer): unknown };

export class PdfDocument {
  readonly pdf: PDFKit.PDFDocument;
  readonly accent: string;
  readonly contentWidth = PAGE.width - MARGIN.left - MARGIN.right;
  readonly left = MARGIN.left;
  private readonly brand: Brand;
  private readonly footerLine: string;
  private readonly watermark: { text: string; color: string } | null;
  private logo: unknown = null;
  private finished = false;

  constructor(options: CreateDocumentOptions) {
    const files = fonts();
    this.brand = options.brand;
    this.accent = validColour(options.brand.accent, '#334155');
    this.footerLine = `Generated ${formatDateTime(options.now, options.timeZone)}`;
    this.watermark = options.watermark?.text.trim()
      ? { text: options.watermark.text.trim(), color: validColour(options.watermark.color, colours.muted) }
      : null;
    const author = options.author ?? options.brand.name;
    this.pdf = new PDFDocument({
      size: PAGE.size,
      margins: { ...MARGIN },
      bufferPages: true,
      // Without a font here pdfkit loads Helvetica, which cannot print many names; ours follow.
      font: '',
      lang: 'en-GB',
      displayTitle: true,
      info: {
        Title: options.title,
        Author: author,
        ...(options.subject ? { Subject: options.subject } : {}),
        // pdfkit names itself here by default; the document is the agency's.
        Producer: options.brand.name,
        Creator: options.brand.name,
        CreationDate: options.now,
      },
    });
    this.pdf.registerFont('regular', files.regular);
    this.pdf.registerFont('bold', files.bold);
    this.pdf.registerFont('mono', files.mono);
    this.style({});
    const logo = logoImage(options.brand.logo);
    if (logo) {
      try {
        this.logo = (this.pdf as unknown as ImageOpener).openImage(logo);
      } catch {
        // A logo pdfkit cannot decode is left out, as an unsupported type is; the name stands in.
        this.logo = null;
      }
    }
  }

  get y(): number {
    return this.pdf.y;
  }

  private get maxY(): number {
    return PAGE.height - MARGIN.bottom;
  }

  private style(part: Omit<TextPart, 'text'>, size = BODY_SIZE): this {
    this.pdf
      .font(part.font ?? 'regular')
      .fontSize(part.size ?? size)
      .fillColor(part.color ?? colours.text);
    return this;
  }

  space(points = 8): this {
    this.pdf.y += points;
    return this;
  }

  /** Starts a new page unless `points` still fit on this one. */
  ensureSpace(points: number): this {
    if (this.pdf.y + points > this.maxY) this.pdf.addPage();
    return this;
  }

  heading(text: string, level: 1 | 2 | 3 = 2, color: string = colours.text): this {
    const size = level === 1 ? 18 : level === 2 ? 13 : 11;
    this.style({ font: 'bold', color }, size);
    const height = this.pdf.heightOfString(text, { width: this.contentWidth });
    // A heading keeps a few lines of what follows with it rather than ending a page alone.
    this.ensureSpace(height + 48);
    this.space(level === 1 ? 0 : 6);
    this.pdf.text(text, this.left, this.pdf.y, { width: this.contentWidth });
    this.space(level === 1 ? 6 : 3);
    return this;
  }

  /** Plain text; newlines are kept, and a long text flows onto further pages. */
  paragraph(text: string, style: Omit<TextPart, 'text'> = {}): this {
    this.style(style);
    this.pdf.text(text, this.left, this.pdf.y, { width: this.contentWidth, lineGap: LINE_GAP });
    this.space(4);
    return this;
  }

  /** Monospaced text whose long unbroken runs (checksums) are cut to fit the line. */
  mono(text: string, style: Omit<TextPart, 'text' | 'font'> = {}): this {
    const part = this.fitMono({ size: BODY_SIZE, ...style, text, font: 'mono' }, this.contentWidth);
    return this.paragraph(part.text, { ...style, font: 'mono' });
  }

  /** Label and value pairs, labels in a narrow muted column. */
  keyValues(rows: ReadonlyArray<readonly [string, Cell]>, labelWidth = 120): this {
    const valueWidth = this.contentWidth - labelWidth;
    for (const [label, value] of rows) {
      const labelPart: TextPart = { text: label, color: colours.muted, size: BODY_SIZE };
      const parts = partsOf(value).map((p) => this.fitMono({ size: BODY_SIZE, ...p }, valueWidth));
      const height = Math.max(this.partsHeight([labelPart], labelWidth), this.partsHeight(parts, valueWidth));
      this.ensureSpace(height);
      const top = this.pdf.y;
      this.drawParts([labelPart], this.left, top, labelWidth);
      this.drawParts(parts, this.left + labelWidth, top, valueWidth);
      this.pdf.y = top + height + 3;
    }
    this.space(3);
    return this;
  }

  /**
   * A coloured rounded label, e.g. a state; drawn at the left margin, or on the line `y` starting
   * at `x` (or ending there, with `align: 'right'`).
   */
  badge(
    text: string,
    color: string,
    at?: { x: number; y: number; align?: 'left' | 'right' },
    size = 7.5,
  ): this {
    this.style({ font: 'bold', color }, size);
    // The proportions of the 7.5-point badge, at any size.
    const scale = size / 7.5;
    const pad = 5 * scale;
    const width = this.pdf.widthOfString(text) + 2 * pad;
    const height = size + 7 * scale;
    if (!at) this.ensureSpace(height);
    const x = at ? (at.align === 'right' ? at.x - width : at.x) : this.left;
    const y = at?.y ?? this.pdf.y;
    this.pdf.save().roundedRect(x, y, width, height, 4).fillOpacity(0.12).fill(color).restore();
    this.pdf.fillColor(color).text(text, x + pad, y + 3.5 * scale, { lineBreak: false });
    this.pdf.x = this.left;
    this.pdf.y = at ? at.y : y + height + 4;
    return this;
  }

  /** A tinted box with a bar in `color` down its left side, around stacked text. */
  callout(parts: readonly TextPart[], color: string): this {
    const pad = 10;
    const width = this.contentWidth - 2 * pad - 3;
    const fitted = parts.map((p) => this.fitMono({ size: BODY_SIZE, ...p }, width));
    const height = this.partsHeight(fitted, width) + 2 * pad;
    this.ensureSpace(height);
    const top = this.pdf.y;
    this.pdf.save().rect(this.left, top, this.contentWidth, height).fillOpacity(0.07).fill(color).restore();
    this.pdf.save().rect(this.left, top, 3, height).fill(color).restore();
    this.drawParts(fitted, this.left + 3 + pad, top + pad, width);
    this.pdf.x = this.left;
    this.pdf.y = top + height + 8;
    return this;
  }

  /**
   * Blocks of stacked text side by side in equal columns (a seller and a buyer). When one of
   * their words would not fit a column (a long email address), they are stacked instead, each
   * across the full width, rather than cut mid-word.
   */
  columns(
    blocks: readonly (readonly TextPart[])[],
    options: { gap?: number; weights?: readonly number[] } = {},
  ): this {
    const gap = options.gap ?? 24;
    const shown = blocks
      .map((parts, i) => ({ parts, weight: options.weights?.[i] ?? 1 }))
      .filter(({ parts }) => parts.some((p) => p.text !== ''));
    const visible = shown.map(({ parts }) => parts);
    if (visible.length === 0) return this;
    const share =
      (this.contentWidth - gap * (visible.length - 1)) / shown.reduce((sum, b) => sum + b.weight, 0);
    const widths = shown.map(({ weight }) => weight * share);
    const fits = visible.every((parts, i) =>
      parts.every((part) => {
        this.style(part, BODY_SIZE);
        return part.text.split(/\s+/).every((word) => this.pdf.widthOfString(word) <= (widths[i] ?? 0));
      }),
    );
    const sized = (parts: readonly TextPart[]) => parts.map((p) => ({ size: BODY_SIZE, ...p }));
    if (!fits || visible.length === 1) {
      visible.forEach((parts, i) => {
        const fitted = sized(parts);
        this.ensureSpace(Math.min(this.partsHeight(fitted, this.contentWidth), 120));
        if (i > 0) this.space(10);
        this.flowParts(fitted);
      });
      this.space(6);
      return this;
    }
    const heights = visible.map((parts, i) => this.partsHeight(sized(parts), widths[i] ?? 0));
    const height = Math.max(...heights);
    this.ensureSpace(height);
    const top = this.pdf.y;
    let x = this.left;
    visible.forEach((parts, i) => {
      const width = widths[i] ?? 0;
      this.drawParts(sized(parts), x, top, width);
      x += width + gap;
    });
    this.pdf.x = this.left;
    this.pdf.y = top + height + 10;
    return this;
  }

  /** Stacked parts across the content width, flowing onto further pages like paragraphs. */
  private flowParts(parts: readonly TextPart[]): void {
    parts.forEach((part, i) => {
      if (part.text === '') return;
      if (i > 0) this.space(PART_GAP);
      this.style(part, BODY_SIZE);
      this.pdf.text(part.text, this.left, this.pdf.y, { width: this.contentWidth, lineGap: LINE_GAP });
    });
  }

  /**
   * Label and value rows against the right margin, values right-aligned (an invoice's totals).
   * Kept on one page; strong rows are bold and boxed rows framed in the accent colour.
   */
  summary(rows: readonly SummaryRow[], width = 250): this {
    const x = this.left + this.contentWidth - width;
    const pad = 6;
    const valueWidth = width * 0.45 - pad;
    const labelWidth = width - valueWidth - 3 * pad;
    const measured = rows.map((row) => {
      const style: Omit<TextPart, 'text'> = { font: row.strong ? 'bold' : 'regular', size: BODY_SIZE };
      const height = Math.max(
        this.partHeight({ ...style, text: row.label }, labelWidth),
        this.partHeight({ ...style, text: row.value }, valueWidth),
      );
      return { row, style, height: height + 2 * CELL_PAD_Y };
    });
    this.ensureSpace(measured.reduce((sum, m) => sum + m.height + 2, 0));
    for (const { row, style, height } of measured) {
      // Only a block taller than a page gets here without room for its next row.
      this.ensureSpace(height);
      const top = this.pdf.y;
      if (row.boxed) {
        this.pdf
          .save()
          .rect(x, top, width, height)
          .fillOpacity(0.08)
          .fill(this.accent)
          .restore()
          .save()
          .rect(x, top, width, height)
          .lineWidth(1.2)
          .strokeColor(this.accent)
          .stroke()
          .restore();
      }
      this.drawParts([{ ...style, text: row.label }], x + pad, top + CELL_PAD_Y, labelWidth);
      this.drawParts(
        [{ ...style, text: row.value }],
        x + width - pad - valueWidth,
        top + CELL_PAD_Y,
        valueWidth,
        'right',
      );
      this.pdf.x = this.left;
      this.pdf.y = top + height + (row.boxed ? 2 : 0);
    }
    this.space(10);
    return this;
  }

  /**
   * A table across the content width. Cells wrap; a row that does not fit goes to the next page
   * under a repeated header row, and a row taller than a whole page is split between pages.
   */
  table(spec: TableSpec): this {
    const total = spec.columns.reduce((sum, c) => sum + c.width, 0);
    const widths = spec.columns.map((c) => (c.width / total) * this.contentWidth);
    const inner = widths.map((w) => w - 2 * CELL_PAD_X);
    const header = spec.columns.map((c): TextPart[] => [
      { text: c.header, font: 'bold', size: 7.5, color: colours.muted },
    ]);
    const headerHeight = this.rowHeight(header, inner);
    const fresh = this.maxY - MARGIN.top - headerHeight;
    // At least this much room, or a split row would leave a sliver on the page.
    const minSplit = 3 * (CELL_SIZE + LINE_GAP + 2) + 2 * CELL_PAD_Y;

    this.ensureSpace(headerHeight + Math.min(fresh, 40));
    this.drawRow(header, widths, spec.columns, this.pdf.y, headerHeight, true);

    for (const row of spec.rows) {
      let pending: TextPart[][] = row.map((cell, i) =>
        partsOf(cell).map((p) => this.fitMono({ size: CELL_SIZE, ...p }, inner[i] ?? 0)),
      );
      while (pending.length > 0) {
        const height = this.rowHeight(pending, inner);
        const room = this.maxY - this.pdf.y;
        if (height <= room) {
          this.drawRow(pending, widths, spec.columns, this.pdf.y, height, false);
          pending = [];
        } else if (height <= fresh || room < minSplit) {
          this.pdf.addPage();
          this.drawRow(header, widths, spec.columns, this.pdf.y, headerHeight, true);
        } else {
          const [head, tail] = this.splitRow(pending, inner, room - 2 * CELL_PAD_Y);
          this.drawRow(head, widths, spec.columns, this.pdf.y, this.rowHeight(head, inner), false);
          pending = tail;
          this.pdf.addPage();
          this.drawRow(header, widths, spec.columns, this.pdf.y, headerHeight, true);
        }
      }
    }
    this.pdf.x = this.left;
    this.space(10);
    return this;
  }

  private drawRow(
    cells: readonly TextPart[][],
    widths: readonly number[],
    columns: readonly TableColumn[],
    top: number,
    height: number,
    isHeader: boolean,
  ): void {
    if (isHeader) {
      this.pdf.save().rect(this.left, top, this.contentWidth, height).fill(colours.headerFill).restore();
    }
    let x = this.left;
    cells.forEach((parts, i) => {
      const width = widths[i] ?? 0;
      this.drawParts(parts, x + CELL_PAD_X, top + CELL_PAD_Y, width - 2 * CELL_PAD_X, columns[i]?.align);
      x += width;
    });
    this.pdf
      .save()
      .moveTo(this.left, top + height)
      .lineTo(this.left + this.contentWidth, top + height)
      .lineWidth(0.5)
      .strokeColor(colours.rule)
      .stroke()
      .restore();
    this.pdf.x = this.left;
    this.pdf.y = top + height;
  }

  private rowHeight(cells: readonly TextPart[][], inner: readonly number[]): number {
    const heights = cells.map((parts, i) => this.partsHeight(parts, inner[i] ?? 0));
    return Math.max(0, ...heights) + 2 * CELL_PAD_Y;
  }

  private partHeight(part: TextPart, width: number): number {
    if (part.text === '') return 0;
    this.style(part, CELL_SIZE);
    return this.pdf.heightOfString(part.text, { width, lineGap: LINE_GAP });
  }

  private partsHeight(parts: readonly TextPart[], width: number): number {
    const visible = parts.filter((p) => p.text !== '');
    const sum = visible.reduce((h, p) => h + this.partHeight(p, width), 0);
    return sum + PART_GAP * Math.max(0, visible.length - 1);
  }

  private drawParts(
    parts: readonly TextPart[],
    x: number,
    top: number,
    width: number,
    align: 'left' | 'right' = 'left',
  ): void {
    let y = top;
    for (const part of parts) {
      if (part.text === '') continue;
      const height = this.partHeight(part, width);
      // An explicit height stops pdfkit from starting a page of its own inside a cell.
      this.pdf.text(part.text, x, y, { width, align, lineGap: LINE_GAP, height: height + 1 });
      y += height + PART_GAP;
    }
  }

  /** Splits a row so its first part fits `height`; every cell keeps its text in order. */
  private splitRow(
    cells: readonly TextPart[][],
    inner: readonly number[],
    height: number,
  ): [TextPart[][], TextPart[][]] {
    const head: TextPart[][] = [];
    const tail: TextPart[][] = [];
    cells.forEach((parts, i) => {
      const [h, t] = this.splitParts(parts, inner[i] ?? 0, height);
      head.push(h);
      tail.push(t);
    });
    return [head, tail];
  }

  private splitParts(parts: readonly TextPart[], width: number, height: number): [TextPart[], TextPart[]] {
    const head: TextPart[] = [];
    let used = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as TextPart;
      const partHeight = this.partHeight(part, width);
      if (used + partHeight <= height) {
        head.push(part);
        used += partHeight + PART_GAP;
        continue;
      }
      const [first, rest] = this.splitText(part, width, height - used);
      if (first) head.push({ ...part, text: first });
      return [head, [{ ...part, text: rest }, ...parts.slice(i + 1)]];
    }
    return [head, []];
  }

  /** The longest start of the text that fits, cut after a word where it can be. */
  private splitText(part: TextPart, width: number, height: number): [string, string] {
    const { text } = part;
    let low = 0;
    let high = text.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.partHeight({ ...part, text: text.slice(0, mid) }, width) <= height) low = mid;
      else high = mid - 1;
    }
    let cut = low;
    if (cut < text.length && !/\s/.test(text[cut] ?? '')) {
      const space = text.slice(0, cut).search(/\s\S*$/);
      if (space > 0) cut = space;
    }
    return [text.slice(0, cut).trimEnd(), text.slice(cut).trimStart()];
  }

  /**
   * Cuts a monospaced part's unbroken runs longer than the line into equal lines (a checksum of
   * 64 becomes two of 32, not 40 and 24), so pdfkit never breaks them at an arbitrary character.
   */
  private fitMono(part: TextPart, width: number): TextPart {
    if (part.font !== 'mono') return part;
    this.style(part, CELL_SIZE);
    const perLine = Math.max(1, Math.floor(width / this.pdf.widthOfString('0')));
    const text = part.text.replace(/\S+/g, (run) => {
      if (run.length <= perLine) return run;
      const lines = Math.ceil(run.length / perLine);
      const size = Math.ceil(run.length / lines);
      const chunks: string[] = [];
      for (let i = 0; i < run.length; i += size) chunks.push(run.slice(i, i + size));
      return chunks.join('\n');
    });
    return { ...part, text };
  }

  /** The header (logo or name, accent rule) and footer (time, page N of M) on every page. */
  private decorate(): void {
    const range = this.pdf.bufferedPageRange();
    const count = range.count;
    for (let i = 0; i < count; i++) {
      this.pdf.switchToPage(range.start + i);
      const page = this.pdf.page;
      // Writing inside the margins would otherwise make pdfkit start another page.
      const bottom = page.margins.bottom;
      page.margins.bottom = 0;

      if (this.watermark) this.drawWatermark(this.watermark);

      if (this.logo) {
        this.pdf.image(this.logo as Buffer, this.left, 30, { fit: [180, 40] });
      } else {
        this.style({ font: 'bold', color: colours.text }, 14);
        this.pdf.text(this.brand.name, this.left, 40, {
          width: this.contentWidth,
          lineBreak: false,
          ellipsis: true,
          height: 20,
        });
      }
      this.pdf
        .save()
        .moveTo(this.left, 78)
        .lineTo(this.left + this.contentWidth, 78)
        .lineWidth(2)
        .strokeColor(this.accent)
        .stroke()
        .restore();

      const footerY = PAGE.height - 42;
      this.pdf
        .save()
        .moveTo(this.left, footerY - 8)
        .lineTo(this.left + this.contentWidth, footerY - 8)
        .lineWidth(0.5)
        .strokeColor(colours.rule)
        .stroke()
        .restore();
      this.style({ color: colours.muted }, 7.5);
      this.pdf.text(this.footerLine, this.left, footerY, { lineBreak: false });
      const pageLabel = `Page ${i + 1} of ${count}`;
      const labelWidth = this.pdf.widthOfString(pageLabel);
      this.pdf.text(pageLabel, this.left + this.contentWidth - labelWidth, footerY, { lineBreak: false });

      page.margins.bottom = bottom;
    }
  }

  /**
   * The word across the page's diagonal, faint enough that the content stays readable through it.
   * It is drawn as the bold font's glyph outlines rather than as text: diagonal text would be read
   * back by text extraction (copy and paste, screen readers, pdftotext) in the middle of the
   * invoice's lines, scattering letters through them.
   */
  private drawWatermark(mark: { text: string; color: string }): void {
    this.style({ font: 'bold' }, 10);
    const font = (this.pdf as unknown as { _font?: { font?: OutlineFont } })._font?.font;
    if (!font?.layout) return;
    const run = font.layout(mark.text);
    const advance = run.positions.reduce((sum, p) => sum + p.xAdvance, 0);
    if (advance <= 0) return;
    const diagonal = Math.hypot(PAGE.width, PAGE.height);
    const angle = (Math.atan2(PAGE.height, PAGE.width) * 180) / Math.PI;
    // As large as fits along the middle two thirds of the diagonal, in font units per point.
    const scale = Math.min(160 / font.unitsPerEm, (diagonal * 0.66) / advance);
    const cx = PAGE.width / 2;
    const cy = PAGE.height / 2;
    this.pdf.save().rotate(-angle, { origin: [cx, cy] });
    // Font units run upwards from the baseline, the page's downwards; the ink is centred.
    const middle = (run.bbox.minY + run.bbox.maxY) / 2;
    this.pdf.transform(scale, 0, 0, -scale, cx - (advance * scale) / 2, cy + middle * scale);
    let x = 0;
    run.glyphs.forEach((glyph, i) => {
      const position = run.positions[i];
      const outline = glyph.path.toSVG();
      if (outline) {
        this.pdf
          .save()
          .translate(x + (position?.xOffset ?? 0), position?.yOffset ?? 0)
          .path(outline)
          .fillOpacity(0.1)
          .fill(mark.color)
          .restore();
      }
      x += position?.xAdvance ?? 0;
    });
    this.pdf.restore();
  }

  /** Draws the headers and footers and ends the document; called once, by `toBuffer`. */
  finish(): void {
    if (this.finished) throw new Error('This document has already been finished.');
    this.finished = true;
    this.decorate();
    this.pdf.end();
  }
}

export function createDocument(options: CreateDocumentOptions): PdfDocument {
  return new PdfDocument(options);
}

/** Finishes the document and collects its bytes. */
export function toBuffer(doc: PdfDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.pdf.on('end', () => resolve(Buffer.concat(chunks)));
    doc.pdf.on('error', reject);
    try {
      doc.finish();
    } catch (error) {
      reject(error);
    }
  });
}
