/**
 * The two places unfinished uploads live, behind one small interface: a tus `FileStore` in a
 * dot-directory beside the local objects, or a tus `S3Store` in the objects' bucket. Upload ids
 * are the final object keys (`tenants/<tenant>/<uuid>`), so a finished S3 upload already sits
 * where it belongs and a finished local one is renamed into place.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, opendir, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LocalObjectStore, S3ObjectStoreConfig } from '@foyer/storage';
import { FileStore } from '@tus/file-store';
import { S3Store } from '@tus/s3-store';
import { type DataStore, ERRORS, type Upload } from '@tus/utils';

export interface UploadBackend {
  /** The tus store that receives the bytes. */
  readonly datastore: DataStore;
  /** The stored upload record (size, creation date, server-side metadata), or undefined. */
  record(id: string): Promise<Upload | undefined>;
  /** Replaces the upload's metadata, so it survives a restart. */
  setMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  /** Up to `length` bytes from the start of an upload, unfinished (offset below one S3 part) or finished. */
  readHead(id: string, length: number, finished: boolean): Promise<Buffer>;
  /** The bytes of a finished upload that is not yet an object. */
  readFinished(id: string): Promise<Readable>;
  /** Turns a finished upload into the object under the same key and forgets the upload. */
  finish(id: string, contentType: string): Promise<void>;
  /** Removes an unfinished upload and everything it left; a missing one is not an error. */
  remove(id: string): Promise<void>;
  /** Removes the object a finished upload became. */
  removeObject(key: string): Promise<void>;
  /** Ids of unfinished uploads whose id starts with the prefix (`tenants/` or `tenants/<tenant>/`). */
  pending(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}

export function stringMetadata(metadata: Upload['metadata']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

// ---- Local -------------------------------------------------------------------------------------

/**
 * FileStore whose write returns (or fails) only once the file is closed. The stock one gives up
 * on a broken request while a disk write may still be in flight, so the file could grow after
 * the lock is released and a HEAD could report an offset that is already stale.
 */
class SettledFileStore extends FileStore {
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const file = path.resolve(this.directory, ...id.split('/'));
    if (!file.startsWith(path.resolve(this.directory) + path.sep)) throw ERRORS.FILE_NOT_FOUND;
    const out = createWriteStream(file, { flags: 'r+', start: offset });
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(readable, count, out);
    } catch (error) {
      if (!out.closed) await once(out, 'close');
      // A refusal from the sniffing layer or the size limit keeps its status; anything else is a
      // write error, as in the stock store.
      if (error && typeof error === 'object' && 'status_code' in error) throw error;
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + received;
  }
}

export function localBackend(local: LocalObjectStore, directory: string): UploadBackend {
  const dir = path.resolve(directory);
  if (dir === local.root)
    throw new Error('uploads in progress need their own directory, not the objects root');
  const store = new SettledFileStore({ directory: dir });
  const configstore = store.configstore;
  const file = (id: string) => {
    const resolved = path.resolve(dir, ...id.split('/'));
    if (!resolved.startsWith(dir + path.sep))
      throw new Error('upload id resolves outside the uploads directory');
    return resolved;
  };

  return {
    datastore: store,
    async record(id) {
      file(id);
      return (await configstore.get(id)) ?? undefined;
    },
    async setMetadata(id, metadata) {
      const record = await configstore.get(id);
      if (!record) throw new Error('no such upload');
      record.metadata = metadata;
      await configstore.set(id, record);
    },
    async readHead(id, length) {
      const handle = await open(file(id), 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async readFinished(id) {
      return createReadStream(file(id));
    },
    async finish(id, contentType) {
      await local.adopt(id, file(id), contentType);
      await rm(`${file(id)}.json`, { force: true });
    },
    async remove(id) {
      await rm(file(id), { force: true });
      await rm(`${file(id)}.json`, { force: true });
    },
    async removeObject(key) {
      await local.delete(key);
    },
    async *pending(prefix) {
      yield* walkPending(dir, prefix);
    },
    async close() {},
  };
}

/** Ids under `prefix` that have an upload record (`<id>.json`) beside their data file. */
async function* walkPending(root: string, prefix: string): AsyncGenerator<string> {
  const base = prefix.replace(/\/+$/, '');
  const start = path.resolve(root, ...base.split('/'));
  if (!start.startsWith(root + path.sep)) return;
  async function* walk(dir: string, idPrefix: string): AsyncGenerator<string> {
    const entries = await opendir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (!entries) return;
    for await (const entry of entries) {
      if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), `${idPrefix}${entry.name}/`);
      else if (entry.isFile() && entry.name.endsWith('.json'))
        yield idPrefix + entry.name.slice(0, -'.json'.length);
    }
  }
  yield* walk(start, `${base}/`);
}

// ---- S3 ----------------------------------------------------------------------------------------

/** S3Store with the few extra operations Foyer needs; the bookkeeping objects are `<id>.info` and `<id>.part`. */
class FoyerS3Store extends S3Store {
  get bucketName(): string {
    return this.bucket;
  }

  async record(id: string): Promise<Upload | undefined> {
    try {
      return (await this.getMetadata(id)).file;
    } catch {
      return undefined;
    }
  }

  async setUploadMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    const value = await this.getMetadata(id);
    value.file.metadata = metadata;
    await this.saveMetadata(value.file, value['upload-id']);
    await this.cache.set(id, value);
  }

  async readRange(key: string, length: number): Promise<Buffer> {
    const response = await this.client.getObject({
      Bucket: this.bucket,
      Key: key,
      Range: `bytes=0-${length - 1}`,
    });
    return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
  }

  async readObject(key: string): Promise<Readable> {
    const response = await this.client.getObject({ Bucket: this.bucket, Key: key });
    return response.Body as Readable;
  }

  async forget(id: string): Promise<void> {
    await this.client.deleteObjects({
      Bucket: this.bucket,
      Delete: { Objects: [{ Key: this.infoKey(id) }, { Key: this.partKey(id, true) }] },
    });
    await this.clearCache(id);
  }

  async removeUpload(id: string): Promise<void> {
    const record = await this.record(id);
    if (record) {
      try {
        await this.remove(id);
      } catch {
        // Already aborted or never started: the bookkeeping objects below are all that is left.
      }
    }
    await this.forget(id);
  }

  async deleteKey(key: string): Promise<void> {
    await this.client.deleteObject({ Bucket: this.bucket, Key: key });
  }

  async *infoIds(prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.client.listObjectsV2({
        Bucket: this.bucket,
        Prefix: prefix,
        ContinuationToken: token,
      });
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.info')) yield object.Key.slice(0, -'.info'.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  destroy(): void {
    this.client.destroy();
  }
}

export function s3Backend(config: S3ObjectStoreConfig): UploadBackend {
  const store = new FoyerS3Store({
    partSize: Math.max(config.partSize ?? 0, 8 * 1024 * 1024),
    // Expiry is Foyer's own sweep; S3 object tags are not supported by every S3-compatible service.
    useTags: false,
    s3ClientConfig: {
      bucket: config.bucket,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      forcePathStyle: config.forcePathStyle ?? false,
      ...(config.endpoint
        ? {
            endpoint: config.endpoint,
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
    },
  });
  return {
    datastore: store,
    record: (id) => store.record(id),
    setMetadata: (id, metadata) => store.setUploadMetadata(id, metadata),
    readHead: (id, length, finished) => store.readRange(finished ? id : `${id}.part`, length),
    readFinished: (id) => store.readObject(id),
    // The object is complete once S3Store completed the multipart upload; only bookkeeping is left.
    // Its S3 Content-Type stays as created (the sniffed type is known only later and changing it
    // would copy the object); Foyer keeps the type in its database and sets it on every link.
    finish: (id) => store.forget(id),
    remove: (id) => store.removeUpload(id),
    removeObject: (key) => store.deleteKey(key),
    pending: (prefix) => store.infoIds(prefix),
    async close() {
      store.destroy();
    },
  };
}
