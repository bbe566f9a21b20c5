import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  CoreError,
  createCtx,
  type Deps,
  httpStatus,
  ZIP_MAX_IDS,
  type ZipSource,
  zipLength,
  zipSelection,
  zipStream,
} from '@foyer/core';
import type { Context, Hono } from 'hono';
import { access } from './access';
import type { AppEnv } from './app';
import { errorFields, type Logger } from './log';

/** Where a folder, a project or ticked files download as one zip. */
export const ZIP_PATH = '/files-zip';

/** Every answer here is for this person alone, and never sniffed into something else. */
const PRIVATE = { 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' };

interface ZipRequest {
  projectId: string;
  folderId: string | null;
  ids: string[] | undefined;
}

/** `ids=a,b,c`, or `ids` repeated (as a form with ticked boxes sends them), or both. */
function splitIds(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

/** The request's choice, from its query and (for POST) its form: the same names either way. */
async function readRequest(c: Context<AppEnv>): Promise<ZipRequest> {
  const values = (name: string) => c.req.queries(name) ?? [];
  const fields: Record<string, string[]> = {
    project: values('project'),
    folder: values('folder'),
    ids: values('ids'),
  };
  if (c.req.method === 'POST') {
    const form = await c.req.formData().catch(() => null);
    for (const name of Object.keys(fields)) {
      for (const value of form?.getAll(name) ?? []) if (typeof value === 'string') fields[name]?.push(value);
    }
  }
  const ids = splitIds(fields.ids ?? []);
  return {
    projectId: fields.project?.[0] ?? '',
    folderId: fields.folder?.[0] || null,
    ids: ids.length > 0 ? ids : undefined,
  };
}

/** A name for `Content-Disposition`: an ASCII fallback, and the real name as RFC 5987 `filename*`. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}.zip"; filename*=UTF-8''${encoded}.zip`;
}

/**
 * Mounts `GET|POST /files-zip?project=<id>[&folder=<id>][&ids=a,b,c]` for signed-in people: the
 * core decides what the person may read (`zipSelection`, under their policies), then the objects
 * stream out one after the other through the zip writer, pulled as the client reads, so memory
 * stays flat whatever the sizes. The length is known up front (stored entries), so browsers show
 * progress. An object that fails mid-way ends the response early: the download fails visibly
 * rather than yielding a short archive.
 */
export function mountZip(app: Hono<AppEnv>, core: Deps, log: Logger): void {
  const handle = async (c: Context<AppEnv>) => {
    const site = c.get('site');
    const actor = c.get('session')?.actor;
    if (site?.kind !== 'tenant' || !actor || !('userId' in actor)) return c.text('Sign in first.', 401);
    const request = await readRequest(c);
    if (request.ids && request.ids.length > ZIP_MAX_IDS) {
      return c.text(`Choose at most ${ZIP_MAX_IDS} files.`, 400, PRIVATE);
    }
    const ctx = createCtx(core, {
      actor,
      site: { tenant: site.tenant, branding: site.branding },
      client: { ip: c.get('clientAddress'), userAgent: c.req.header('user-agent') ?? null },
    });
    let selection: Awaited<ReturnType<typeof zipSelection>>;
    try {
      selection = await zipSelection({ ctx, input: request });
    } catch (error) {
      if (error instanceof CoreError) {
        const fields = Object.values(error.fields);
        const message = error.code === 'validation' && fields.length > 0 ? fields.join(' ') : error.message;
        return c.text(message, httpStatus(error.code), PRIVATE);
      }
      throw error;
    }
    const store = core.files.store;
    const sources: ZipSource[] = selection.entries.map((entry) => ({
      path: entry.path,
      size: entry.size,
      modified: entry.modified,
      open: async () => {
        const object = await store.get(entry.objectKey);
        if (!object) throw new Error('zip: an object named by a file row is missing');
        return object.body;
      },
    }));
    const headers = {
      ...PRIVATE,
      'content-type': 'application/zip',
      'content-disposition': attachmentHeader(selection.name),
      'content-length': String(zipLength(sources)),
    };
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
    const requestId = c.get('requestId');
    const body = Readable.from(zipStream(sources), { objectMode: false });
    body.on('error', (error) => log.error('zip stream failed', { requestId, ...errorFields(error) }));
    return new Response(Readable.toWeb(body) as WebReadableStream<Uint8Array> as unknown as ReadableStream, {
      status: 200,
      headers,
    });
  };
  app.on(['GET', 'POST'], ZIP_PATH, access('signed-in'), handle);
}
