import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@foyer/storage';
import sharp from 'sharp';

export interface ThumbnailOptions {
  /** Longest side of the thumbnail in pixels; 320 unless told. */
  size?: number;
  /**
   * Width × height above which the source is refused unread: a small file can declare a huge
   * image (a decompression bomb) that would take gigabytes to decode. 50 megapixels unless told.
   */
  maxInputPixels?: number;
  /** Sources larger than this many bytes get no thumbnail; 256 MB unless told. */
  maxInputBytes?: number;
}

const DEFAULT_SIZE = 320;
const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;
const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Raster formats that get a thumbnail. SVG is left out because rendering it would let an
 * uploaded document ask the renderer to read other files; PDF and the rest are not photos.
 */
const THUMBNAIL_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

/**
 * Makes a WebP thumbnail (fitted inside `size`×`size`, turned upright by its EXIF orientation,
 * never enlarged) of the image under `sourceKey` and stores it under `targetKey`.
 *
 * Returns the thumbnail's dimensions, or null when the source is not an image, is corrupt, is
 * too big, or is missing: a file without a thumbnail is normal, so this never throws for its
 * input. Errors of the store itself (a failed `put`) do throw.
 *
 * The source streams from the store to a temporary file that sharp opens by path: sharp given
 * a Node stream collects the whole stream in one Buffer before decoding, which would make memory
 * grow with the file. From a path, libvips reads the header first (so a bomb is refused before
 * any pixel is decoded) and then decodes sequentially. Only the small thumbnail is held in
 * memory, and it is written after it is complete, so a failure stores nothing.
 */
export async function makeThumbnail(
  store: ObjectStore,
  sourceKey: string,
  targetKey: string,
  options: ThumbnailOptions = {},
): Promise<{ width: number; height: number } | null> {
  const size = options.size ?? DEFAULT_SIZE;
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;

  const source = await store.get(sourceKey);
  if (!source) return null;
  if (source.size > maxInputBytes || source.size === 0) {
    source.body.destroy();
    return null;
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'foyer-thumb-'));
  try {
    const file = path.join(dir, 'source');
    await pipeline(source.body, createWriteStream(file, { flags: 'wx' }));
    const thumbnail = await render(file, size, maxInputPixels);
    if (!thumbnail) return null;
    await store.put(targetKey, thumbnail.data, {
      contentType: 'image/webp',
      contentLength: thumbnail.data.length,
    });
    return { width: thumbnail.width, height: thumbnail.height };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The WebP thumbnail of the image file, or null when sharp cannot or may not read it. */
async function render(
  file: string,
  size: number,
  maxInputPixels: number,
): Promise<{ data: Buffer; width: number; height: number } | null> {
  const open = () =>
    sharp(file, {
      limitInputPixels: maxInputPixels,
      // A truncated or damaged image is refused rather than thumbnailed half grey.
      failOn: 'error',
      sequentialRead: true,
    });
  try {
    const metadata = await open().metadata();
    if (!metadata.format || !THUMBNAIL_FORMATS.has(metadata.format)) return null;
    // metadata() reads the header only; the pixel limit is checked here too so a bomb is
    // refused before any decoding, whatever the decoder does with the option.
    if ((metadata.width ?? 0) * (metadata.height ?? 0) > maxInputPixels) return null;
    const { data, info } = await open()
      .autoOrient()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    // sharp's errors are about the input (unsupported, corrupt, over the pixel limit).
    return null;
  }
}
