import sharp from 'sharp';

/**
 * Small real files for the demo agencies, made at apply time so the repository holds no binaries
 * and a newcomer's portal has something to preview and download. Both are deterministic: the
 * same input gives the same bytes, so nothing about them changes between runs but their keys.
 */

/** A4 in points, with an inch of margin. */
const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 72;
const TITLE_SIZE = 20;
const BODY_SIZE = 11;
const LEADING = 16;
/** Helvetica's average width is about half its size: 80 characters fill the text block at 11 pt. */
const WRAP_AT = 80;
/** Body lines per page below the title (first page) or from the top (later pages). */
const FIRST_PAGE_LINES = Math.floor((PAGE_HEIGHT - 2 * MARGIN - 40) / LEADING);
const LATER_PAGE_LINES = Math.floor((PAGE_HEIGHT - 2 * MARGIN) / LEADING);

/** Characters outside Latin-1 that WinAnsiEncoding still has, at their WinAnsi codes. */
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};

/**
 * A PDF string literal of the text in WinAnsiEncoding, kept 7-bit: `(`, `)` and `\` escaped,
 * bytes above 0x7e and below 0x20 as octal escapes, characters WinAnsi lacks as `?`.
 */
function pdfString(text: string): string {
  let out = '(';
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0x3f;
    const byte = WIN_ANSI_EXTRA[char] ?? (code <= 0xff && !(code >= 0x80 && code < 0xa0) ? code : 0x3f);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

/** A PDF text string for the document information (PDFDocEncoding is not WinAnsi): UTF-16BE in hex. */
function pdfInfoString(text: string): string {
  const bytes = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return `<${bytes.toString('hex').toUpperCase()}>`;
}

/** Breaks a paragraph at spaces so no line passes `width` characters (a longer word is cut). */
function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, width));
      line = '';
      rest = rest.slice(width);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  lines.push(line);
  return lines;
}

/** One page's content stream: the title and a rule on the first page, then body lines. */
function pageContent(title: string | null, lines: string[]): string {
  const ops: string[] = [];
  let y = PAGE_HEIGHT - MARGIN;
  if (title !== null) {
    ops.push(
      'BT',
      `/F2 ${TITLE_SIZE} Tf`,
      '0.12 0.16 0.22 rg',
      `${MARGIN} ${y - TITLE_SIZE} Td`,
      `${pdfString(title)} Tj`,
      'ET',
      '0.75 0.78 0.82 RG',
      '1 w',
      `${MARGIN} ${y - TITLE_SIZE - 12} m ${PAGE_WIDTH - MARGIN} ${y - TITLE_SIZE - 12} l S`,
    );
    y -= 40;
  }
  if (lines.length > 0) {
    ops.push(
      'BT',
      `/F1 ${BODY_SIZE} Tf`,
      '0.2 0.22 0.25 rg',
      `${LEADING} TL`,
      `${MARGIN} ${y - BODY_SIZE} Td`,
    );
    for (const [i, line] of lines.entries()) ops.push(`${i === 0 ? '' : 'T* '}${pdfString(line)} Tj`);
    ops.push('ET');
  }
  return `${ops.join('\n')}\n`;
}

/**
 * A plain A4 PDF 1.4 written by hand: the title in Helvetica Bold, then the lines in Helvetica
 * (the standard fonts, nothing embedded), wrapped at about 80 characters and continued on further
 * pages when they do not fit one. An empty string in `lines` is a blank line. Text is encoded as
 * WinAnsi; characters it lacks print as `?`.
 */
export function demoPdf(title: string, lines: string[]): Buffer {
  const body = lines.flatMap((line) => wrap(line, WRAP_AT));
  const pages: string[][] = [body.slice(0, FIRST_PAGE_LINES)];
  for (let at = FIRST_PAGE_LINES; at < body.length; at += LATER_PAGE_LINES)
    pages.push(body.slice(at, at + LATER_PAGE_LINES));

  // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content per page.
  const pageId = (i: number) => 6 + 2 * i;
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageId(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Title ${pdfInfoString(title)} /Producer (Foyer) >>`,
  ];
  for (const [i, pageLines] of pages.entries()) {
    const content = pageContent(i === 0 ? title : null, pageLines);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId(i) + 1} 0 R >>`,
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    );
  }

  // One byte per character (Latin-1), so lengths in bytes are the offsets.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const [i, object] of objects.entries()) {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(out, 'latin1');
  // Each xref entry is exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, type, CR LF.
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f\r\n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export interface DemoPngOptions {
  width: number;
  height: number;
  /** `#rrggbb` colours to draw with; the first tints the background. At least one. */
  colours: string[];
  /** Anything stable (a file name): the same seed draws the same picture. */
  seed: string | number;
}

/** mulberry32: a tiny deterministic generator, enough to scatter shapes. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the seed's text: a string seed becomes a number. */
function seedNumber(seed: string | number): number {
  let hash = 0x811c9dc5;
  for (const char of String(seed)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const HEX = /^#[0-9a-f]{6}$/i;

/** The colour mixed towards white by `amount` (0 to 1), as `#rrggbb`. */
function tint(hex: string, amount: number): string {
  const channel = (i: number) => {
    const value = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
    return Math.round(value + (255 - value) * amount)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/**
 * An abstract picture in the given colours, like a mood board or a logo concept: a pale ground,
 * a few large soft rounded panels and circles, and a small cluster of solid marks. SVG rendered
 * by sharp, without text (a machine may lack fonts). Flat shapes keep it small (tens of KB).
 */
export async function demoPng(options: DemoPngOptions): Promise<Buffer> {
  const { width, height } = options;
  const colours = options.colours.filter((c) => HEX.test(c));
  if (colours.length === 0) throw new TypeError('demoPng needs at least one #rrggbb colour');
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 16 ||
    height < 16 ||
    width * height > 4e6
  )
    throw new RangeError('demoPng draws between 16x16 and 4 megapixels');
  const random = generator(seedNumber(options.seed));
  const pick = () => colours[Math.floor(random() * colours.length)] ?? colours[0];
  const between = (low: number, high: number) => low + random() * (high - low);
  const short = Math.min(width, height);
  const shapes: string[] = [];

  // Large soft panels behind everything.
  for (let i = 0; i < 4; i += 1) {
    const w = between(0.3, 0.6) * width;
    const h = between(0.3, 0.6) * height;
    const x = between(-0.1, 0.8) * width;
    const y = between(-0.1, 0.8) * height;
    const r = between(0.04, 0.12) * short;
    shapes.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="${r.toFixed(1)}" fill="${tint(pick() ?? '#888888', 0.55)}" opacity="0.8"/>`,
    );
  }
  // Big circles, partly transparent so overlaps make new shades.
  for (let i = 0; i < 3; i += 1) {
    const r = between(0.12, 0.28) * short;
    shapes.push(
      `<circle cx="${between(0.15, 0.85) * width}" cy="${between(0.15, 0.85) * height}" r="${r.toFixed(1)}" fill="${pick()}" opacity="${between(0.55, 0.85).toFixed(2)}"/>`,
    );
  }
  // A "mark": a cluster of solid small shapes around one point, as a logo concept would have.
  const cx = between(0.3, 0.7) * width;
  const cy = between(0.3, 0.7) * height;
  const unit = short * 0.06;
  for (let i = 0; i < 5; i += 1) {
    const x = cx + between(-2, 2) * unit;
    const y = cy + between(-2, 2) * unit;
    shapes.push(
      random() < 0.5
        ? `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${(unit * between(0.5, 1.2)).toFixed(1)}" fill="${pick()}"/>`
        : `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(unit * between(1, 2.5)).toFixed(1)}" height="${(unit * between(1, 2.5)).toFixed(1)}" rx="${(unit * 0.4).toFixed(1)}" fill="${pick()}"/>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="${tint(colours[0] ?? '#888888', 0.9)}"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}
