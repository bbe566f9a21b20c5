import type { LocalObjectStore, S3ObjectStoreConfig } from '@foyer/storage';

/** Who sends the request; the caller has authenticated them and resolved their tenant. */
export interface Uploader {
  tenantId: string;
  userId: string;
}

/** A file type as `file-type` reads it from the first bytes. */
export interface SniffedType {
  mime: string;
  ext: string;
}

export type TypeCheck =
  | { ok: true; contentType: string }
  | { ok: false; reason: 'refused' | 'disguised'; message: string };

export type PreviewKind = 'image' | 'pdf' | 'audio' | 'video';

/** A refusal the browser shows as it is: a status and a human sentence. */
export interface Refusal {
  ok: false;
  status: number;
  message: string;
}

export type AuthorizeResult = { ok: true; maxBytes: number; keep: Record<string, string> } | Refusal;

export type CompleteResult = { ok: true; headers?: Record<string, string> } | Refusal;

/** A finished upload, already at its object key, handed to {@link UploadsOptions.complete}. */
export interface CompletedUpload {
  /** `tenants/<tenant uuid>/<uuid>` in the object store. */
  key: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Sniffed from the bytes (or, when nothing is recognised, from a short list of safe text types). */
  contentType: string;
  /** The user's file name (metadata only, never part of a key). */
  name: string;
  /** What {@link UploadsOptions.authorize} asked to keep at creation. */
  keep: Record<string, string>;
}

export type UploadsStore =
  | {
      kind: 'local';
      local: LocalObjectStore;
      /**
       * Directory for uploads in progress. Defaults to `<local.root>/.uploads`; it must sit on the
       * same filesystem as `local.root` (finished files are renamed into place) and must not be
       * `local.root` itself, where upload ids would look like object keys.
       */
      root?: string;
    }
  | { kind: 's3'; config: S3ObjectStoreConfig };

export interface UploadsOptions {
  /** The tus endpoint, e.g. `/uploads`; uploads live at `<path>/<uuid>`. */
  path: string;
  store: UploadsStore;
  /** Server-wide per-file limit in bytes. */
  maxFileBytes: number;
  /**
   * At creation (POST): validate the client's Upload-Metadata (file name etc.), permissions and
   * the tenant cap. Returns the per-upload byte limit and server-side metadata to keep, or refuses.
   */
  authorize(
    who: Uploader,
    input: { length: number; metadata: Record<string, string> },
  ): Promise<AuthorizeResult>;
  /**
   * When the last byte has arrived and the type passed: register the file. Returns headers for the
   * final response (e.g. the new file's id), or refuses, and then the object is deleted.
   */
  complete(who: Uploader, upload: CompletedUpload): Promise<CompleteResult>;
  /** Events without metadata values and without other tenants' ids. */
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** How long an unfinished upload may wait before {@link Uploads.sweepExpired} removes it; 24 h by default. */
  expireAfterMs?: number;
}

export interface PendingUpload {
  key: string;
  /** Announced size in bytes (Upload-Length). */
  size: number;
  /** ISO 8601. */
  createdAt: string;
}

export interface Uploads {
  /** Answers one tus request (POST, HEAD, PATCH, DELETE, OPTIONS under `path`) for the uploader. */
  handle(request: Request, who: Uploader): Promise<Response>;
  /** Object keys of the tenant's unfinished uploads, so an orphan sweep leaves them alone. */
  pendingKeys(tenantId: string): AsyncIterable<string>;
  /**
   * The tenant's unfinished uploads with their announced sizes, so `authorize` can count space
   * that is promised but not yet sent against the tenant cap.
   */
  pendingUploads(tenantId: string): AsyncIterable<PendingUpload>;
  /** Removes unfinished uploads older than `expireAfterMs`; returns how many. */
  sweepExpired(now?: number): Promise<number>;
  close(): Promise<void>;
}
