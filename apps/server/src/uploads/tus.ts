/**
 * Resumable uploads over tus, through the server, so every byte is sniffed, counted and capped
 * while it arrives. The caller authenticates; this module knows nothing of sessions or the
 * database and hands the finished file to the `complete` hook.
 *
 * Ids: the client sees `<path>/<uuid>`; the stored id is `tenants/<tenant>/<uuid>`, built from the
 * requester's tenant, so another tenant's id is simply not found. The uploader's user id is kept
 * in the upload's server-side metadata and checked on every HEAD, PATCH and DELETE.
 */
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { objectKey, tenantPrefix } from '@foyer/storage';
import { Server } from '@tus/server';
import { Metadata, TUS_RESUMABLE } from '@tus/utils';
import { localBackend, s3Backend, stringMetadata, type UploadBackend } from './backends';
import { checkType, extensionRefused, SNIFF_BYTES, sniffedType } from './content-types';
import { GuardedStore, META, UploadRefusal } from './guarded-store';
import type { CompletedUpload, Uploader, Uploads, UploadsOptions } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_NAME_LENGTH = 255;

interface RequestContext {
  who: Uploader;
  /** Stored id of the upload the URL names (HEAD, PATCH, DELETE). */
  id?: string;
  /** What POST checks decided before tus creates the upload. */
  creation?: { name: string; keep: Record<string, string>; limit: number };
}

/** Sentences for tus's own errors, which are terse and sometimes misleading for a person. */
const HUMAN: Record<number, string> = {
  404: 'This upload does not exist (any more). Start it again.',
  409: 'The server has a different part of this upload than the client sent. Resume the upload to continue.',
  410: 'This upload has expired. Start it again.',
  413: 'The upload sent more bytes than the file size it announced, or than allowed.',
  500: 'The upload could not be stored. Try again.',
};

function text(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : message, {
    status,
    headers: { 'Tus-Resumable': TUS_RESUMABLE, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? `${Math.round(mb)} MB` : `${Math.round(mb * 10) / 10} MB`;
}

/**
 * The request with a body that ends, instead of failing, when the connection breaks. tus then
 * keeps every byte that arrived (the S3 store would otherwise drop its unsent part) and the
 * client resumes from there. Nothing is lost by this: the offset counts only stored bytes.
 */
function endingOnDisconnect(request: Request): Request {
  const source = request.body;
  if (!source) return request;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers: request.headers,
    body,
    duplex: 'half',
  };
  return new Request(request.url, init);
}

async function sha256Of(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function createUploads(options: UploadsOptions): Uploads {
  const base = options.path.replace(/\/+$/, '');
  if (!base.startsWith('/')) throw new Error('the uploads path must start with /');
  if (!Number.isSafeInteger(options.maxFileBytes) || options.maxFileBytes < 1) {
    throw new Error('maxFileBytes must be a positive whole number');
  }
  const expireAfterMs = options.expireAfterMs ?? DAY_MS;
  const log = options.log ?? (() => {});
  const backend: UploadBackend =
    options.store.kind === 'local'
      ? localBackend(
          options.store.local,
          options.store.root ?? path.join(options.store.local.root, '.uploads'),
        )
      : s3Backend(options.store.config);
  const guarded = new GuardedStore(backend);
  const contexts = new WeakMap<Request, RequestContext>();
  const contextOf = (request: Request): RequestContext => {
    const context = contexts.get(request);
    if (!context) throw new Error('tus request without an uploader');
    return context;
  };

  const server = new Server({
    path: base,
    datastore: guarded,
    maxSize: (request) => contexts.get(request)?.creation?.limit ?? options.maxFileBytes,
    respectForwardedHeaders: false,
    // Same-origin only: no Access-Control-Allow-Origin at all.
    allowedOrigins: () => false,
    disableTerminationForFinishedUploads: true,
    namingFunction: (request) => objectKey(contextOf(request).who.tenantId, randomUUID()),
    // A path, not a URL: the Host header plays no part, and the client resolves it against the endpoint.
    generateUrl: (_request, { path: at, id }) => `${at}/${id.slice(id.lastIndexOf('/') + 1)}`,
    getFileIdFromRequest: (request) => contexts.get(request)?.id,
    onUploadCreate: async (request, upload) => {
      const { who, creation } = contextOf(request);
      if (!creation) throw new UploadRefusal(400, 'The upload could not be created.');
      log('upload.created', { tenantId: who.tenantId, size: upload.size });
      const metadata: Record<string, string> = { [META.user]: who.userId, [META.name]: creation.name };
      for (const [key, value] of Object.entries(creation.keep)) metadata[`${META.keepPrefix}${key}`] = value;
      return { metadata };
    },
    onUploadFinish: async (request, upload) => finish(contextOf(request).who, upload.id, upload.size ?? 0),
    onResponseError: (_request, error) => {
      if (error instanceof UploadRefusal) return { status_code: error.status_code, body: error.body };
      const status =
        'status_code' in error && typeof error.status_code === 'number' ? error.status_code : 500;
      if (status >= 500)
        log('upload.error', { status, error: error instanceof Error ? error.message : error.body });
      const body =
        HUMAN[status] ?? ('body' in error && typeof error.body === 'string' ? error.body : HUMAN[500]);
      return { status_code: status, body: body ?? 'The upload failed.' };
    },
  });

  /** The last byte arrived: decide the type if still open, hash, make it an object, and register it. */
  async function finish(
    who: Uploader,
    id: string,
    size: number,
  ): Promise<{ headers?: Record<string, string> }> {
    const record = await backend.record(id);
    const metadata = stringMetadata(record?.metadata);
    const name = metadata[META.name] ?? '';
    let contentType = metadata[META.type];
    if (contentType === undefined) {
      const head = size > 0 ? await backend.readHead(id, Math.min(SNIFF_BYTES, size), true) : null;
      const check = checkType(name, head ? await sniffedType(head) : undefined);
      if (!check.ok) {
        await guarded.remove(id);
        await backend.removeObject(id);
        log('upload.refused', { tenantId: who.tenantId, status: 415, reason: check.reason });
        throw new UploadRefusal(415, check.message);
      }
      contentType = check.contentType;
    }
    const sha256 = guarded.digest(id, size) ?? (await sha256Of(await backend.readFinished(id)));
    await backend.finish(id, contentType);
    const keep: Record<string, string> = {};
    for (const [key, value] of Object.entries(metadata)) {
      if (key.startsWith(META.keepPrefix)) keep[key.slice(META.keepPrefix.length)] = value;
    }
    const completed: CompletedUpload = { key: id, size, sha256, contentType, name, keep };
    let result: Awaited<ReturnType<UploadsOptions['complete']>>;
    try {
      result = await options.complete(who, completed);
    } catch (error) {
      await backend.removeObject(id);
      throw error;
    }
    if (!result.ok) {
      await backend.removeObject(id);
      log('upload.refused', { tenantId: who.tenantId, status: result.status, reason: 'complete' });
      throw new UploadRefusal(result.status, result.message);
    }
    log('upload.completed', { tenantId: who.tenantId, size, contentType });
    return result.headers ? { headers: result.headers } : {};
  }

  /** Checks a creation request before tus sees it: size, name, type by name, and the caller's hook. */
  async function prepareCreation(
    request: Request,
    who: Uploader,
  ): Promise<RequestContext['creation'] | Response> {
    if (request.headers.has('upload-defer-length') || !request.headers.has('upload-length')) {
      return text(400, 'The upload must announce its size (Upload-Length) when it starts.');
    }
    if (request.headers.has('upload-concat')) {
      return text(400, 'Parallel uploads of one file are not supported; send the file as one upload.');
    }
    const lengthHeader = request.headers.get('upload-length') ?? '';
    const length = /^\d{1,16}$/.test(lengthHeader) ? Number(lengthHeader) : Number.NaN;
    if (!Number.isSafeInteger(length))
      return text(400, 'The announced upload size is not a number of bytes.');
    if (length === 0) return text(400, 'This file is empty.');
    if (length > options.maxFileBytes) {
      return text(
        413,
        `This file is ${megabytes(length)}; files can be at most ${megabytes(options.maxFileBytes)}.`,
      );
    }
    const metadata: Record<string, string> = {};
    const header = request.headers.get('upload-metadata');
    if (header !== null) {
      try {
        for (const [key, value] of Object.entries(Metadata.parse(header))) metadata[key] = value ?? '';
      } catch {
        return text(400, 'The upload metadata is not valid tus metadata.');
      }
    }
    const name = (metadata.filename ?? metadata.name ?? '').trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (name === '' || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
      return text(
        400,
        `The file needs a name of 1 to ${MAX_NAME_LENGTH} characters, without control characters.`,
      );
    }
    const refused = extensionRefused(name);
    if (refused) {
      log('upload.refused', { tenantId: who.tenantId, status: 415, reason: 'extension' });
      return text(415, refused);
    }
    const decision = await options.authorize(who, { length, metadata });
    if (!decision.ok) {
      log('upload.refused', { tenantId: who.tenantId, status: decision.status, reason: 'authorize' });
      return text(decision.status, decision.message);
    }
    const limit = Math.min(options.maxFileBytes, decision.maxBytes);
    if (length > limit) {
      log('upload.refused', { tenantId: who.tenantId, status: 413, reason: 'limit' });
      return text(
        413,
        `This file is ${megabytes(length)}; only ${megabytes(Math.max(limit, 0))} can be uploaded here.`,
      );
    }
    return { name, keep: decision.keep, limit };
  }

  async function handle(request: Request, who: Uploader): Promise<Response> {
    if (!UUID.test(who.tenantId) || typeof who.userId !== 'string' || who.userId === '') {
      throw new TypeError('handle needs the uploader’s tenant uuid and user id');
    }
    const pathname = new URL(request.url).pathname;
    const method = request.method.toUpperCase();
    const context: RequestContext = { who };
    if (pathname === base || pathname === `${base}/`) {
      if (method === 'POST') {
        const creation = await prepareCreation(request, who);
        if (creation instanceof Response) return creation;
        context.creation = creation;
      } else if (method !== 'OPTIONS') {
        return text(405, 'Use POST to start an upload.', { Allow: 'POST, OPTIONS' });
      }
    } else {
      const rest = pathname.startsWith(`${base}/`) ? pathname.slice(base.length + 1) : '';
      if (!UUID.test(rest) || !['HEAD', 'PATCH', 'DELETE', 'OPTIONS'].includes(method)) {
        return text(404, 'No such upload.');
      }
      context.id = objectKey(who.tenantId, rest);
      if (method !== 'OPTIONS') {
        const record = await backend.record(context.id);
        if (!record || stringMetadata(record.metadata)[META.user] !== who.userId) {
          return text(404, 'No such upload.');
        }
      }
    }
    const forTus = method === 'PATCH' || method === 'POST' ? endingOnDisconnect(request) : request;
    contexts.set(forTus, context);
    let response: Response;
    try {
      response = await server.handleWeb(forTus);
    } finally {
      contexts.delete(forTus);
    }
    // The upload's metadata is the server's bookkeeping, not the client's business.
    response.headers.delete('Upload-Metadata');
    if (response.status >= 400 && !response.headers.has('Content-Type')) {
      response.headers.set('Content-Type', 'text/plain; charset=utf-8');
    }
    return response;
  }

  return {
    handle,
    async *pendingKeys(tenantId) {
      yield* backend.pending(tenantPrefix(tenantId));
    },
    async *pendingUploads(tenantId) {
      for await (const key of backend.pending(tenantPrefix(tenantId))) {
        const record = await backend.record(key);
        if (record) yield { key, size: record.size ?? 0, createdAt: record.creation_date ?? '' };
      }
    },
    async sweepExpired(now = Date.now()) {
      let removed = 0;
      const expired: string[] = [];
      for await (const id of backend.pending('tenants/')) {
        const record = await backend.record(id);
        const created = record?.creation_date ? Date.parse(record.creation_date) : Number.NaN;
        if (!Number.isNaN(created) && created + expireAfterMs < now) expired.push(id);
      }
      for (const id of expired) {
        await guarded.remove(id);
        removed++;
      }
      if (removed > 0) log('upload.expired', { removed });
      return removed;
    },
    async close() {
      server.removeAllListeners();
      await backend.close();
    },
  };
}
