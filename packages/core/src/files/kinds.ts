/** What the page can show of a file in place; anything else downloads. */
export type PreviewKind = 'image' | 'pdf' | 'audio' | 'video';

/** The media type without parameters, lower-cased. */
function essence(contentType: string): string {
  return String(contentType).split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Types a browser shows in place without running anything of the file (no SVG, no HTML). */
const INLINE: Readonly<Record<string, PreviewKind>> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'image/avif': 'image',
  'application/pdf': 'pdf',
  'audio/mpeg': 'audio',
  'audio/mp3': 'audio',
  'audio/ogg': 'audio',
  'audio/wav': 'audio',
  'audio/wave': 'audio',
  'audio/x-wav': 'audio',
  'audio/vnd.wave': 'audio',
  'audio/mp4': 'audio',
  'audio/x-m4a': 'audio',
  'audio/aac': 'audio',
  'audio/flac': 'audio',
  'audio/webm': 'audio',
  'video/ogg': 'video',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
};

/** The in-page preview of a (sniffed) content type, or null: it downloads. */
export function previewKind(contentType: string): PreviewKind | null {
  const type = essence(contentType);
  return Object.hasOwn(INLINE, type) ? (INLINE[type] ?? null) : null;
}

/**
 * Whether a file may be served inline (for its preview); everything else is an attachment. SVG
 * and HTML are never inline: they can carry scripts.
 */
export function inlineSafe(contentType: string): boolean {
  return previewKind(contentType) !== null;
}

/** Image types sharp makes thumbnails of. */
export function thumbnailable(contentType: string): boolean {
  return ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'].includes(
    contentType.toLowerCase(),
  );
}

/** The kinds people filter a files list by. */
export const FILE_GROUPS = ['image', 'pdf', 'video', 'audio', 'document', 'archive', 'other'] as const;
export type FileGroup = (typeof FILE_GROUPS)[number];

const DOCUMENT_TYPES = [
  'text/',
  'application/msword',
  'application/vnd.openxmlformats-officedocument',
  'application/vnd.ms-',
  'application/vnd.oasis.opendocument',
  'application/rtf',
  'application/json',
];
const ARCHIVE_TYPES = [
  'application/zip',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/gzip',
  'application/x-tar',
  'application/x-bzip2',
  'application/x-xz',
];

/** The group of a content type. */
export function fileGroup(contentType: string): FileGroup {
  const type = contentType.toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (ARCHIVE_TYPES.includes(type)) return 'archive';
  if (DOCUMENT_TYPES.some((prefix) => type.startsWith(prefix))) return 'document';
  return 'other';
}

/** SQL LIKE patterns per group, for filtering in the database (`other` is what none match). */
export const GROUP_PATTERNS: Readonly<Record<Exclude<FileGroup, 'other'>, readonly string[]>> = {
  image: ['image/%'],
  pdf: ['application/pdf'],
  video: ['video/%'],
  audio: ['audio/%'],
  archive: ARCHIVE_TYPES,
  document: DOCUMENT_TYPES.map((prefix) =>
    prefix.endsWith('/') || prefix.endsWith('-') || prefix.endsWith('document') ? `${prefix}%` : prefix,
  ),
};
