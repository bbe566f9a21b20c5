import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertContentType,
  assertRange,
  assertSafeKey,
  contentDisposition,
  DEFAULT_CONTENT_TYPE,
  type GetOptions,
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type SignedUrlOptions,
} from './storage';

export interface S3ObjectStoreConfig {
  /** For S3-compatible services (MinIO, R2, …); AWS when left out. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` rather than `https://bucket.host/key`; most non-AWS services want it. */
  forcePathStyle?: boolean;
  /**
   * Part size for streamed multipart uploads, in bytes (at least 5 MiB, the S3 minimum). About
   * three parts are in memory at once (two sending, one filling), whatever the file size; S3
   * allows 10,000 parts, so 5 MiB parts reach 48 GiB.
   */
  partSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
/** AWS's limit for presigned URLs signed with long-term keys. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/** Objects in one S3 bucket, keys used as they are. */
export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly #partSize: number;

  constructor(config: S3ObjectStoreConfig) {
    this.bucket = config.bucket;
    this.#partSize = Math.max(config.partSize ?? MIN_PART_SIZE, MIN_PART_SIZE);
    this.client = new S3Client({
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      forcePathStyle: config.forcePathStyle ?? false,
      ...(config.endpoint
        ? {
            endpoint: config.endpoint,
            // S3-compatible services do not all understand the SDK's default CRC trailers.
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
    });
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions = {}): Promise<void> {
    assertSafeKey(key);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    assertContentType(contentType);
    if (body instanceof Uint8Array) {
      if (options.contentLength !== undefined && options.contentLength !== body.byteLength) {
        throw new Error(`body was ${body.byteLength} bytes, not the ${options.contentLength} announced`);
      }
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: body.byteLength,
        }),
      );
      return;
    }
    // Upload sends a small body in one PUT and a large one as a multipart upload, reading the
    // stream a part at a time; a failure aborts the multipart upload so no parts are left behind.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: this.#partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    if (options.contentLength !== undefined) {
      const info = await this.head(key);
      if (info?.size !== options.contentLength) {
        await this.delete(key);
        throw new Error(`body was ${info?.size} bytes, not the ${options.contentLength} announced`);
      }
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectBody | null> {
    assertSafeKey(key);
    if (options.range) assertRange(options.range);
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(options.range ? { Range: `bytes=${options.range.start}-${options.range.end}` } : {}),
        }),
      );
      const total = /\/(\d+)$/.exec(response.ContentRange ?? '')?.[1];
      return {
        body: response.Body as Readable,
        size: total !== undefined ? Number(total) : (response.ContentLength ?? 0),
        contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
      };
    } catch (error) {
      if (isMissing(error)) return null;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) {
        throw new RangeError(`range ${options.range?.start}-${options.range?.end} is past the object`);
      }
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: response.ContentLength ?? 0,
        contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key;
      }
    }
  }

  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    assertSafeKey(key);
    assertContentType(options.contentType);
    const seconds = options.expiresInSeconds;
    if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
      throw new RangeError(`expiresInSeconds must be a whole number from 1 to ${MAX_PRESIGN_SECONDS}`);
    }
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(options.disposition, options.filename),
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.client, command, { expiresIn: seconds });
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException) || error.name === 'NoSuchBucket') return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}
