/**
 * Pure helpers for the files area: sizes as people read them, the checks an upload must pass
 * before its first byte leaves the browser, the order of a file list, and which icon and which
 * preview a content type gets. No DOM and no server code, so pages and tests share them.
 */

const UNITS = ['KB', 'MB', 'GB'] as const;

/**
 * `512 B`, `1.5 KB`, `12.0 MB`, `4.7 GB`: binary multiples (what the operating system's file
 * manager shows), one decimal from KB up so that a progress line does not jump in width.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1024) return `${Math.round(n)} B`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KB would print as "1024.0 KB"; the next unit reads better.
  if (Number(value.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * The lower-cased extension without its dot (`report.final.PDF` → `pdf`), or '' when there is
 * none. A leading dot alone (`.env`) names a file rather than starting an extension.
 */
export function extensionOf(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return '';
  return base.slice(dot + 1).toLowerCase();
}

/**
 * Why a file may not be uploaded, checked before any byte is sent, or null when it may go.
 * The server checks again (it sniffs the bytes and counts what arrives); this only saves the
 * wait for an answer known in advance.
 */
export function refusedBeforeUpload(
  file: { name: string; size: number },
  maxBytes: number,
  refusedExtensions: readonly string[],
): string | null {
  const extension = extensionOf(file.name);
  if (extension && refusedExtensions.includes(extension)) {
    return `.${extension} files can’t be uploaded here.`;
  }
  if (file.size > maxBytes) {
    const size = formatBytes(file.size);
    const limit = formatBytes(maxBytes);
    // Rounded to one decimal, a file just over the limit would read as the limit itself.
    return size === limit
      ? `This file is just over the limit of ${limit}.`
      : `This file is ${size}; the limit is ${limit}.`;
  }
  return null;
}

export type FileSortKey = 'name' | 'size' | 'type' | 'date' | 'uploader';
export type SortDirection = 'asc' | 'desc';

/** What {@link sortFiles} reads from a row; pages pass their own rows with more fields. */
export interface SortableFile {
  name: string;
  size: number;
  contentType: string;
  /** ISO timestamp or Date. */
  uploadedAt: string | Date;
  uploaderName: string | null;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function time(value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * A sorted copy of the rows. Names compare as people expect ("file 2" before "file 10", case
 * ignored); rows that tie on the key keep name order, so the list does not shuffle. Rows
 * without an uploader go last in either direction.
 */
export function sortFiles<T extends SortableFile>(
  rows: readonly T[],
  key: FileSortKey,
  dir: SortDirection,
): T[] {
  const sign = dir === 'desc' ? -1 : 1;
  const byName = (a: T, b: T) => collator.compare(a.name, b.name);
  const primary = (a: T, b: T): number => {
    switch (key) {
      case 'name':
        return 0;
      case 'size':
        return a.size - b.size;
      case 'type':
        return collator.compare(typeLabel(a.contentType, a.name), typeLabel(b.contentType, b.name));
      case 'date':
        return time(a.uploadedAt) - time(b.uploadedAt);
      case 'uploader':
        return collator.compare(a.uploaderName ?? '', b.uploaderName ?? '');
    }
  };
  return [...rows].sort((a, b) => {
    if (key === 'uploader' && (a.uploaderName === null) !== (b.uploaderName === null)) {
      return a.uploaderName === null ? 1 : -1;
    }
    return sign * (primary(a, b) || byName(a, b));
  });
}

export type FileKind = 'image' | 'pdf' | 'video' | 'audio' | 'archive' | 'document' | 'spreadsheet' | 'other';

const ARCHIVES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-tar',
  'application/gzip',
  'application/x-gzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
]);

const SPREADSHEETS = new Set([
  'text/csv',
  'text/tab-separated-values',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.apple.numbers',
]);

const DOCUMENTS = new Set([
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'application/epub+zip',
  'application/vnd.apple.pages',
  'application/vnd.apple.keynote',
]);

/** The icon family of a (sniffed) content type; parameters such as `; charset=` are ignored. */
export function fileKind(contentType: string): FileKind {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (ARCHIVES.has(type)) return 'archive';
  if (SPREADSHEETS.has(type)) return 'spreadsheet';
  if (DOCUMENTS.has(type) || type.startsWith('text/')) return 'document';
  return 'other';
}

const KIND_LABELS: Record<FileKind, string> = {
  image: 'Image',
  pdf: 'PDF',
  video: 'Video',
  audio: 'Audio',
  archive: 'Archive',
  document: 'Document',
  spreadsheet: 'Spreadsheet',
  other: 'File',
};

/** A short type name for lists: "PDF", "Image (PNG)", else the extension in capitals. */
export function typeLabel(contentType: string, name = ''): string {
  const kind = fileKind(contentType);
  const extension = extensionOf(name).toUpperCase();
  if (kind === 'pdf') return 'PDF';
  if (kind === 'other') return extension ? `${extension} file` : 'File';
  return extension ? `${KIND_LABELS[kind]} (${extension})` : KIND_LABELS[kind];
}

export type PreviewKind = 'image' | 'pdf' | 'audio' | 'video';

/**
 * The message to show for a refused upload, from the server's answer: the `detail` (else
 * `title`) of a problem+json body, else the body's text, else a sentence for the status. The
 * text is shortened so that an HTML error page from a proxy cannot flood the row.
 */
export function uploadErrorMessage(status: number, body: string): string {
  const text = body.trim();
  let readable = text !== '' && !text.startsWith('<');
  if (text.startsWith('{')) {
    try {
      const problem: unknown = JSON.parse(text);
      // JSON without a message is no message for people.
      readable = false;
      if (problem && typeof problem === 'object') {
        const { detail, title } = problem as { detail?: unknown; title?: unknown };
        if (typeof detail === 'string' && detail.trim()) return shorten(detail.trim());
        if (typeof title === 'string' && title.trim()) return shorten(title.trim());
      }
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  if (readable) return shorten(text);
  if (status === 413) return 'This file is larger than the server accepts.';
  if (status === 415) return 'This type of file is not accepted.';
  if (status === 401 || status === 403) return 'You may not upload here. Sign in again or ask the team.';
  return `The server refused the upload (${status}).`;
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
