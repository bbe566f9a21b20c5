import { CoreError, createCtx, type Deps, httpStatus, type Person, typingAs } from '@foyer/core';
import type { Context, Hono } from 'hono';
import { access } from '../access';
import type { AppEnv } from '../app';
import { errorFields, type Logger } from '../log';
import type { LiveStream, RealtimeHub } from './hub';
import { eventsSince } from './reads';
import { eventFrame, RESET_FRAME, RETRY_FRAME } from './sse';

/** Where a signed-in person's browser holds its one live stream. */
export const EVENTS_PATH = '/events';

/** Where a page says its person is typing in a thread. */
export const TYPING_PATH = '/events/typing';

/** `{"thread":"<uuid>"}` and a little room: nothing bigger is a typing notice. */
const TYPING_BODY_LIMIT = 256;

/**
 * A stream whose browser stops reading is ended rather than buffered without bound: this many
 * frames queued and unread.
 */
const UNREAD_FRAMES_LIMIT = 1_000;

const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
};

const EVENT_ID = /^\d{1,15}$/;

const encoder = new TextEncoder();

/** The last event id a page heard: Last-Event-ID on a reconnect, `?last=` on a page's first connect. */
function lastEventId(c: Context<AppEnv>): number | null | 'invalid' {
  const raw = c.req.header('last-event-id') ?? c.req.query('last');
  if (raw === undefined || raw === '') return null;
  return EVENT_ID.test(raw) ? Number(raw) : 'invalid';
}

/** The signed-in person of a tenant-host request, or null (the access guard answered already). */
function signedInPerson(c: Context<AppEnv>): { person: Person; sessionId: string } | null {
  const session = c.get('session');
  const actor = session?.actor;
  if (!session || !actor || actor.kind === 'apikey') return null;
  return { person: actor, sessionId: session.sessionId };
}

/**
 * One `/events` response: frames are queued while the stream catches up, then written as they
 * come. Ends when the browser goes, the session ends or the node shuts down.
 */
function openStream(sessionId: string) {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let ended = false;
  let onEnd = () => {};
  /** Frames that came while catching up, and the ids catching up sent. */
  let waiting: { frame: string; eventId?: number }[] | null = [];
  const caughtUp = new Set<number>();

  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
    try {
      controller?.close();
    } catch {
      // Already closed by the other side.
    }
  };
  const write = (frame: string) => {
    if (ended || !controller) return;
    if ((controller.desiredSize ?? 0) < -UNREAD_FRAMES_LIMIT) return end();
    controller.enqueue(encoder.encode(frame));
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      ended = true;
      onEnd();
    },
  });
  const stream: LiveStream = {
    sessionId,
    send(frame, eventId) {
      if (waiting) waiting.push({ frame, eventId });
      else write(frame);
    },
    end,
  };
  return {
    body,
    stream,
    write,
    /** Writes a caught-up event, remembering its id so the live copy is not sent twice. */
    writeCaughtUp(frame: string, eventId: number) {
      caughtUp.add(eventId);
      write(frame);
    },
    /** Catching up is over: what waited goes out, less what catching up already sent. */
    goLive() {
      const queued = waiting ?? [];
      waiting = null;
      for (const { frame, eventId } of queued) {
        if (eventId === undefined || !caughtUp.has(eventId)) write(frame);
      }
      caughtUp.clear();
    },
    onEnd(run: () => void) {
      onEnd = run;
      if (ended) run();
    },
  };
}

/**
 * Mounts the live stream and the typing notice for signed-in people on a tenant's host.
 *
 * `GET /events` is `text/event-stream`: `retry` first, then (with Last-Event-ID or `?last=`) what
 * the person missed in the last day, then live events as the hub delivers them, and a ping every
 * heartbeat. The stream is the session's person's own, whatever page opened it; an admin's
 * preview of the portal never opens one.
 *
 * `POST /events/typing` takes `{"thread":"<uuid>"}` (same-origin, like every unsafe request) and
 * announces the typing to the thread's other readers: 204, 404 when the person does not read the
 * thread, 400 on anything malformed.
 */
export function mountRealtime(app: Hono<AppEnv>, core: Deps, hub: RealtimeHub, log: Logger): void {
  app.get(EVENTS_PATH, access('signed-in'), async (c) => {
    const who = signedInPerson(c);
    if (!who) return c.text('Sign in first.', 401);
    const last = lastEventId(c);
    if (last === 'invalid') return c.text('Last-Event-ID must be an event id.', 400);
    // Hono answers HEAD with GET's handler and drops the body: no stream is held for it.
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: STREAM_HEADERS });
    await hub.start();
    const live = openStream(who.sessionId);
    const detach = hub.attach(who.person, live.stream);
    live.onEnd(detach);
    c.req.raw.signal.addEventListener('abort', () => live.stream.end(), { once: true });
    live.write(RETRY_FRAME);
    const requestId = c.get('requestId');
    const catchUp = async () => {
      if (last !== null) {
        const { events, overflow } = await eventsSince(core.db, who.person, last);
        if (overflow) live.write(RESET_FRAME);
        else for (const event of events) live.writeCaughtUp(eventFrame(event), event.id);
      }
      live.goLive();
    };
    catchUp().catch((error: unknown) => {
      log.error('live stream catch-up failed', { requestId, ...errorFields(error) });
      live.stream.end();
    });
    return new Response(live.body, { status: 200, headers: STREAM_HEADERS });
  });

  app.post(TYPING_PATH, access('signed-in'), async (c) => {
    const who = signedInPerson(c);
    const site = c.get('site');
    if (!who || site.kind !== 'tenant') return c.text('Sign in first.', 401);
    const text = await c.req.text();
    if (text.length > TYPING_BODY_LIMIT) return c.text('A typing notice is tiny.', 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.text('Send {"thread": "<id>"} as JSON.', 400);
    }
    const threadId = body && typeof body === 'object' ? (body as { thread?: unknown }).thread : undefined;
    const ctx = createCtx(core, {
      actor: who.person,
      site: { tenant: site.tenant, branding: site.branding },
      client: { ip: c.get('clientAddress'), userAgent: c.req.header('user-agent') ?? null },
    });
    try {
      await hub.typing(await typingAs({ ctx, input: { threadId: threadId as string } }));
    } catch (error) {
      if (error instanceof CoreError) return c.text(error.message, httpStatus(error.code));
      throw error;
    }
    return c.body(null, 204);
  });
}
