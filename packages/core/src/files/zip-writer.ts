import { crc32 } from 'node:zlib';

/**
 * A STORE-only (no compression) zip writer that streams: each entry's bytes pass through once,
 * their CRC-32 computed on the way, and nothing but the central directory (a few dozen bytes per
 * entry) is kept. Deliverables are mostly compressed already (images, video, PDF), so storing
 * them costs little and keeps the server's CPU out of it.
 *
 * Layout (APPNOTE 6.3.x): per entry a local header with general purpose bit 3 set (the CRC is
 * unknown until the bytes have passed), the bytes, then a data descriptor; at the end the central
 * directory. ZIP64 records are written when an entry, an offset or the directory passes 4 GB, or
 * there are more than 65,535 entries; names are UTF-8 (bit 11).
 */

export interface ZipSource {
  /** The entry's path inside the archive, `/`-separated, already made safe. */
  path: string;
  /** Its size in bytes, as recorded: the bytes read must match it. */
  size: number;
  modified: Date;
  /** Opens the entry's bytes, when its turn comes (not before: one source open at a time). */
  open: () => Promise<AsyncIterable<Uint8Array>>;
}

export interface ZipOptions {
  /** Writes ZIP64 records for every entry, whatever its size (tests use it to exercise them). */
  forceZip64?: boolean;
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const UTF8 = 0x0800;
const DATA_DESCRIPTOR = 0x0008;
const FLAGS = UTF8 | DATA_DESCRIPTOR;
/** Made by: Unix (3) << 8, spec 4.5. */
const MADE_BY = (3 << 8) | 45;

/** Thrown when an object's bytes do not match its recorded size: the archive would be corrupt. */
export class ZipSizeMismatchError extends Error {
  override name = 'ZipSizeMismatchError';
}

/** MS-DOS date and time (local fields in UTC: zip has no zone), clamped to 1980..2107. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, date.getUTCFullYear()));
  if (year !== date.getUTCFullYear()) return { time: 0, date: ((year - 1980) << 9) | (1 << 5) | 1 };
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
  time: number;
  date: number;
}

function localHeader(name: Buffer, zip64: boolean, time: number, date: number): Buffer {
  // Sizes and CRC follow in the data descriptor; a ZIP64 entry says so with 0xFFFFFFFF sizes and
  // a zero-filled ZIP64 extra field, as readers expect.
  const extra = zip64 ? 20 : 0;
  const header = Buffer.alloc(30 + name.length + extra);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  header.writeUInt32LE(0, 14);
  header.writeUInt32LE(zip64 ? MAX32 : 0, 18);
  header.writeUInt32LE(zip64 ? MAX32 : 0, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra, 28);
  name.copy(header, 30);
  if (zip64) {
    header.writeUInt16LE(0x0001, 30 + name.length);
    header.writeUInt16LE(16, 32 + name.length);
  }
  return header;
}

function dataDescriptor(entry: Written): Buffer {
  if (entry.zip64) {
    const out = Buffer.alloc(24);
    out.writeUInt32LE(0x08074b50, 0);
    out.writeUInt32LE(entry.crc, 4);
    out.writeBigUInt64LE(BigInt(entry.size), 8);
    out.writeBigUInt64LE(BigInt(entry.size), 16);
    return out;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(0x08074b50, 0);
  out.writeUInt32LE(entry.crc, 4);
  out.writeUInt32LE(entry.size, 8);
  out.writeUInt32LE(entry.size, 12);
  return out;
}

function centralHeader(entry: Written, force: boolean): Buffer {
  // The ZIP64 extra holds, in this order, only the fields whose 32-bit slot says 0xFFFFFFFF.
  const bigSize = force || entry.size >= MAX32;
  const bigOffset = force || entry.offset >= MAX32;
  const fields: number[] = [];
  if (bigSize) fields.push(entry.size, entry.size);
  if (bigOffset) fields.push(entry.offset);
  const extra = fields.length > 0 ? 4 + 8 * fields.length : 0;
  const out = Buffer.alloc(46 + entry.name.length + extra);
  out.writeUInt32LE(0x02014b50, 0);
  out.writeUInt16LE(MADE_BY, 4);
  out.writeUInt16LE(entry.zip64 || extra > 0 ? 45 : 20, 6);
  out.writeUInt16LE(FLAGS, 8);
  out.writeUInt16LE(0, 10);
  out.writeUInt16LE(entry.time, 12);
  out.writeUInt16LE(entry.date, 14);
  out.writeUInt32LE(entry.crc, 16);
  out.writeUInt32LE(bigSize ? MAX32 : entry.size, 20);
  out.writeUInt32LE(bigSize ? MAX32 : entry.size, 24);
  out.writeUInt16LE(entry.name.length, 28);
  out.writeUInt16LE(extra, 30);
  out.writeUInt16LE(0, 32); // comment
  out.writeUInt16LE(0, 34); // disk
  out.writeUInt16LE(0, 36); // internal attributes
  out.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  out.writeUInt32LE(bigOffset ? MAX32 : entry.offset, 42);
  entry.name.copy(out, 46);
  if (extra > 0) {
    let at = 46 + entry.name.length;
    out.writeUInt16LE(0x0001, at);
    out.writeUInt16LE(8 * fields.length, at + 2);
    at += 4;
    for (const value of fields) {
      out.writeBigUInt64LE(BigInt(value), at);
      at += 8;
    }
  }
  return out;
}

function endRecords(count: number, directoryOffset: number, directorySize: number, force: boolean): Buffer {
  const zip64 = force || count > MAX16 || directoryOffset >= MAX32 || directorySize >= MAX32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? MAX16 : count, 8);
  end.writeUInt16LE(zip64 ? MAX16 : count, 10);
  end.writeUInt32LE(zip64 ? MAX32 : directorySize, 12);
  end.writeUInt32LE(zip64 ? MAX32 : directoryOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4); // the record's size after this field
  record.writeUInt16LE(MADE_BY, 12);
  record.writeUInt16LE(45, 14);
  record.writeUInt32LE(0, 16);
  record.writeUInt32LE(0, 20);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeUInt32LE(0, 4);
  locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

/**
 * The archive of `sources`, chunk by chunk, pulled: the next source is opened only when the
 * reader has taken the previous one's bytes, so a slow client holds back the reads and memory
 * stays flat. A source whose bytes differ from its recorded size ends the archive with
 * {@link ZipSizeMismatchError} rather than a corrupt file that looks whole.
 */
export async function* zipStream(
  sources: Iterable<ZipSource> | AsyncIterable<ZipSource>,
  options: ZipOptions = {},
): AsyncGenerator<Uint8Array> {
  const force = options.forceZip64 ?? false;
  const written: Written[] = [];
  let offset = 0;
  for await (const source of sources) {
    const name = Buffer.from(source.path, 'utf8');
    if (name.length === 0 || name.length > MAX16)
      throw new Error('zip: an entry name must be 1 to 65535 bytes');
    const { time, date } = dosDateTime(source.modified);
    // Decided before the bytes, from the recorded size (checked against the bytes below).
    const zip64 = force || source.size >= MAX32 || offset >= MAX32;
    const header = localHeader(name, zip64, time, date);
    const entry: Written = { name, crc: 0, size: 0, offset, zip64, time, date };
    yield header;
    offset += header.length;
    const body = await source.open();
    let crc = 0;
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > source.size) throw new ZipSizeMismatchError(`zip: ${source.path} is larger than recorded`);
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (size !== source.size) throw new ZipSizeMismatchError(`zip: ${source.path} is smaller than recorded`);
    entry.crc = crc;
    entry.size = size;
    offset += size;
    const descriptor = dataDescriptor(entry);
    yield descriptor;
    offset += descriptor.length;
    written.push(entry);
  }
  const directoryOffset = offset;
  let directorySize = 0;
  // The directory goes out in batches, never as one buffer of every entry.
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (const entry of written) {
    const header = centralHeader(entry, force);
    batch.push(header);
    batchBytes += header.length;
    directorySize += header.length;
    if (batchBytes >= 64 * 1024) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length > 0) yield Buffer.concat(batch);
  yield endRecords(written.length, directoryOffset, directorySize, force);
}

/**
 * The exact byte length of the archive {@link zipStream} writes for these entries, known before
 * any byte (entries are stored, headers fixed): a response can carry `Content-Length`, and a
 * browser shows the download's progress.
 */
export function zipLength(
  sources: readonly Pick<ZipSource, 'path' | 'size'>[],
  options: ZipOptions = {},
): number {
  const force = options.forceZip64 ?? false;
  let offset = 0;
  let directorySize = 0;
  for (const source of sources) {
    const name = Buffer.byteLength(source.path, 'utf8');
    const zip64 = force || source.size >= MAX32 || offset >= MAX32;
    const start = offset;
    offset += 30 + name + (zip64 ? 20 : 0) + source.size + (zip64 ? 24 : 16);
    const fields = (force || source.size >= MAX32 ? 2 : 0) + (force || start >= MAX32 ? 1 : 0);
    directorySize += 46 + name + (fields > 0 ? 4 + 8 * fields : 0);
  }
  const zip64End = force || sources.length > MAX16 || offset >= MAX32 || directorySize >= MAX32;
  return offset + directorySize + 22 + (zip64End ? 76 : 0);
}
