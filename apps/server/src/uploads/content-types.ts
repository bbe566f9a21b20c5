/**
 * What Foyer accepts and how it serves it, decided from the bytes and the name only: no I/O here.
 *
 * The browser's Content-Type is never used. The type comes from `file-type` reading the first
 * bytes; when it recognises nothing (text, CSV, SVG…), from a short map of safe text types, and
 * otherwise `application/octet-stream`. Files that run when double-clicked are refused, by name
 * and by bytes, and so are files whose name claims one binary format while the bytes are another.
 */
import { fileTypeFromBuffer, supportedExtensions } from 'file-type';
import type { SniffedType, TypeCheck } from './types';

/** `file-type` needs at most this many bytes to decide. */
export const SNIFF_BYTES = 4100;

/**
 * Extensions refused by name, before any byte is sent: what a default desktop install runs or
 * installs on a double-click (Windows, macOS, Linux desktops, Android, iOS), and disk images,
 * which mount on a double-click and carry files past the browser's download warnings.
 * Source files of languages that need an installed interpreter (py, rb, php…) stay allowed:
 * agencies trade them and no OS runs them by default.
 */
// biome-ignore format: grouped by platform, one line each
export const REFUSED_EXTENSIONS: ReadonlySet<string> = new Set([
  // Windows programs, installers, libraries and shortcuts
  'exe', 'com', 'scr', 'pif', 'cpl', 'msc', 'dll', 'ocx', 'sys', 'drv',
  'msi', 'msp', 'mst', 'appx', 'appxbundle', 'msix', 'msixbundle', 'application', 'gadget',
  'lnk', 'url', 'scf', 'inf', 'reg',
  // Windows scripts
  'bat', 'cmd', 'ps1', 'psm1', 'psd1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'hta', 'msh',
  // Java
  'jar', 'jnlp', 'class',
  // macOS
  'app', 'command', 'tool', 'pkg', 'mpkg', 'dmg', 'scpt', 'applescript', 'workflow', 'terminal',
  // Linux and other Unix desktops
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'run', 'desktop', 'appimage', 'deb', 'rpm', 'snap', 'flatpak',
  // Mobile
  'apk', 'aab', 'xapk', 'ipa',
  // Disk images
  'iso', 'img', 'vhd', 'vhdx',
]);

/** `file-type` results refused whatever the name: programs, installers and packages. */
// biome-ignore format: one list
const REFUSED_SNIFFED: ReadonlySet<string> = new Set([
  'exe', 'elf', 'macho', 'apk', 'jar', 'class', 'deb', 'rpm', 'swf', 'crx', 'xpi', 'lnk', 'dmg', 'reg',
]);

/** Text types worth naming when the bytes say nothing; anything else is `application/octet-stream`. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  markdown: 'text/markdown',
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  ics: 'text/calendar',
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  svg: 'image/svg+xml',
};

/**
 * Old Office documents are all Compound File Binary to `file-type`; the name tells them apart.
 * (An installer in CFB clothing is already refused by its extension.)
 */
const CFB_TYPES: Readonly<Record<string, string>> = {
  doc: 'application/msword',
  dot: 'application/msword',
  xls: 'application/vnd.ms-excel',
  xlt: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  pps: 'application/vnd.ms-powerpoint',
  pot: 'application/vnd.ms-powerpoint',
  msg: 'application/vnd.ms-outlook',
  vsd: 'application/vnd.visio',
  pub: 'application/x-mspublisher',
};

/**
 * Extensions that name one format but that `file-type` may report under a sibling name: the same
 * container (ISO-BMFF, Ogg, Matroska, ZIP, TIFF) or spelling. A mismatch inside a family is not a
 * disguise.
 */
// biome-ignore format: one family a line
const FAMILIES: readonly (readonly string[])[] = [
  ['jpg', 'jpeg', 'jpe', 'jfif', 'pjpeg', 'pjp'],
  ['tif', 'tiff', 'dng', 'cr2', 'nef', 'arw', 'orf', 'rw2'],
  ['mp4', 'm4v', 'm4a', 'm4b', 'm4p', 'mov', 'qt', '3gp', '3g2', 'f4v', 'f4p', 'f4a', 'f4b'],
  ['ogg', 'oga', 'ogv', 'ogx', 'ogm', 'opus', 'spx'],
  ['mkv', 'mka', 'mks', 'webm'],
  ['mp1', 'mp2', 'mp3', 'mpga'],
  ['mpg', 'mpeg', 'mpe', 'mts', 'm2ts'],
  ['wav', 'wave'],
  ['aif', 'aiff', 'aifc'],
  ['mid', 'midi'],
  ['heic', 'heif'],
  ['eps', 'ps'],
  ['gz', 'tgz', 'tar.gz'],
  ['psd', 'psb'],
  ['ico', 'cur'],
  // ZIP underneath: file-type names the ones it can tell apart, and says `zip` for the rest.
  [
    'zip', 'docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'pptx', 'pptm', 'potx',
    'potm', 'ppsx', 'ppsm', 'odt', 'ods', 'odp', 'odg', 'ott', 'ots', 'otp', 'otg', 'epub', 'vsdx',
    '3mf', 'sketch', 'key', 'numbers', 'pages', 'idml',
  ],
];

const FAMILY_OF = new Map<string, number>();
FAMILIES.forEach((family, index) => {
  for (const ext of family) FAMILY_OF.set(ext, index);
});

/** Extensions `file-type` would recognise, so a name with one of them makes a claim about the bytes. */
const KNOWN_BINARY: ReadonlySet<string> = new Set(
  [...supportedExtensions, ...FAMILIES.flat()]
    .map((ext) => ext.toLowerCase())
    // Generic names claim nothing.
    .filter((ext) => !['dat', 'sav', 'xml', 'ar'].includes(ext)),
);

/**
 * The last extension of a file name, lower-cased, without the dot; '' when there is none.
 * Trailing dots and spaces are dropped first, as Windows does when it saves `setup.exe. `.
 */
export function extensionOf(name: string): string {
  const trimmed = String(name).replace(/[\s.]+$/u, '');
  const base = trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  return base.slice(dot + 1).toLowerCase();
}

/** Why a file of this name is refused, for the browser to say before any byte is sent; null if allowed. */
export function extensionRefused(name: string): string | null {
  const ext = extensionOf(name);
  if (!REFUSED_EXTENSIONS.has(ext)) return null;
  return `“.${ext}” files can run programs on the recipient's computer, so they cannot be uploaded. Put the file in a .zip archive if it must be shared.`;
}

/** The type `file-type` reads from the first bytes of a file (at most {@link SNIFF_BYTES} are used). */
export async function sniffedType(head: Uint8Array): Promise<SniffedType | undefined> {
  const sample = head.byteLength > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  if (sample.byteLength === 0) return undefined;
  const found = await fileTypeFromBuffer(sample);
  return found ? { mime: found.mime, ext: found.ext } : undefined;
}

function sameFormat(a: string, b: string): boolean {
  if (a === b) return true;
  const family = FAMILY_OF.get(a);
  return family !== undefined && family === FAMILY_OF.get(b);
}

/** Decides whether a file may be kept and under which content type. */
export function checkType(name: string, sniffed?: SniffedType): TypeCheck {
  const ext = extensionOf(name);
  const refusedByName = extensionRefused(name);
  if (refusedByName) return { ok: false, reason: 'refused', message: refusedByName };
  if (sniffed) {
    const found = sniffed.ext.toLowerCase();
    if (REFUSED_SNIFFED.has(found)) {
      return {
        ok: false,
        reason: 'refused',
        message:
          'This file is a program or an installer, which cannot be uploaded. Put it in a .zip archive if it must be shared.',
      };
    }
    if (found === 'cfb') {
      return { ok: true, contentType: CFB_TYPES[ext] ?? sniffed.mime };
    }
    if (found === 'xml' && ext === 'svg') return { ok: true, contentType: 'image/svg+xml' };
    if (ext !== '' && KNOWN_BINARY.has(ext) && !sameFormat(ext, found)) {
      return {
        ok: false,
        reason: 'disguised',
        message: `This file is named “.${ext}” but its contents are a ${found.toUpperCase()} file. Rename it to its real type and upload it again.`,
      };
    }
    return { ok: true, contentType: sniffed.mime };
  }
  return { ok: true, contentType: TEXT_TYPES[ext] ?? 'application/octet-stream' };
}

// What the page previews in place, and serves inline, is the core's rule (files/kinds.ts).
export { inlineSafe, previewKind } from '@foyer/core';
