/**
 * A tus DataStore in front of the real one that looks at the bytes while they stream in: the first
 * write sniffs the file type and refuses a program or a disguised file before anything is kept,
 * and every write feeds a running SHA-256, so the digest is ready when the last byte lands.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataStore, ERRORS, type Upload } from '@tus/utils';
import type { UploadBackend } from './backends';
import { stringMetadata } from './backends';
import { checkType, SNIFF_BYTES, sniffedType } from './content-types';

/** Server-side metadata keys; clients never set them (their metadata is not stored at all). */
export const META = {
  user: 'foyer.user',
  name: 'foyer.name',
  type: 'foyer.type',
  keepPrefix: 'keep.',
} as const;

/** A refusal with a status and a sentence for the person uploading; tus sends it as it is. */
export class UploadRefusal extends Error {
  override name = 'UploadRefusal';
  constructor(
    readonly status_code: number,
    readonly body: string,
  ) {
    super(body);
  }
}

interface HashState {
  hash: Hash;
  /** How many bytes went into the hash: the upload's offset if every one of them was stored. */
  offset: number;
}

export class GuardedStore extends DataStore {
  readonly #backend: UploadBackend;
  readonly #hashes = new Map<string, HashState>();

  constructor(backend: UploadBackend) {
    super();
    this.#backend = backend;
    // No deferred length (Foyer needs the size up front), no concatenation, and no tus-level
    // expiration: expired uploads are removed by the sweep.
    this.extensions = backend.datastore.extensions.filter((extension) =>
      ['creation', 'creation-with-upload', 'termination'].includes(extension),
    );
  }

  override create(upload: Upload): Promise<Upload> {
    return this.#backend.datastore.create(upload);
  }

  override getUpload(id: string): Promise<Upload> {
    return this.#backend.datastore.getUpload(id);
  }

  override async remove(id: string): Promise<void> {
    this.#hashes.delete(id);
    await this.#backend.remove(id);
  }

  override async declareUploadLength(): Promise<void> {
    throw ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION;
  }

  override async write(src: Readable, id: string, offset: number): Promise<number> {
    // The record alone (size and metadata): the store works out the offset itself.
    const upload = await this.#backend.record(id);
    if (!upload) throw ERRORS.FILE_NOT_FOUND;
    const metadata = stringMetadata(upload.metadata);
    let source: AsyncIterable<Buffer> = src;
    if (metadata[META.type] === undefined) {
      const need = Math.min(SNIFF_BYTES, upload.size ?? SNIFF_BYTES);
      const before =
        offset > 0 ? await this.#backend.readHead(id, Math.min(offset, need), false) : Buffer.alloc(0);
      const peeked = await peek(src, need - before.length);
      source = peeked.rest;
      const sample = Buffer.concat([before, peeked.head]);
      // A first request that ends early leaves the decision to the next one, which reads these
      // bytes back; the type is always decided before the upload can finish.
      if (sample.length >= need) {
        const check = checkType(metadata[META.name] ?? '', await sniffedType(sample));
        if (!check.ok) {
          await this.remove(id);
          throw new UploadRefusal(415, check.message);
        }
        metadata[META.type] = check.contentType;
        await this.#backend.setMetadata(id, metadata);
      }
    }

    let state = this.#hashes.get(id);
    if (offset === 0) {
      state = { hash: createHash('sha256'), offset: 0 };
      this.#hashes.set(id, state);
    } else if (state && state.offset !== offset) {
      // Bytes were lost between requests (a cut connection, a restart): hash the object at the end.
      this.#hashes.delete(id);
      state = undefined;
    }
    const newOffset = await this.#backend.datastore.write(Readable.from(hashing(source, state)), id, offset);
    if (state && state.offset !== newOffset) this.#hashes.delete(id);
    return newOffset;
  }

  /** The running digest of an upload, if every one of its `size` bytes went through this process. */
  digest(id: string, size: number): string | undefined {
    const state = this.#hashes.get(id);
    this.#hashes.delete(id);
    return state && state.offset === size ? state.hash.digest('hex') : undefined;
  }

  forget(id: string): void {
    this.#hashes.delete(id);
  }
}

async function* hashing(source: AsyncIterable<Buffer>, state: HashState | undefined): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (state) {
      state.hash.update(chunk);
      state.offset += chunk.length;
    }
    yield chunk;
  }
}

/**
 * Reads at least `length` bytes (fewer if the stream ends) and gives them back with a stream of
 * everything, those bytes included; only the peeked chunks are held.
 */
async function peek(
  src: AsyncIterable<Buffer>,
  length: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = src[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let got = 0;
  let done = false;
  while (got < length) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    got += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    while (!done) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: head.subarray(0, Math.max(length, 0)), rest: rest() };
}
