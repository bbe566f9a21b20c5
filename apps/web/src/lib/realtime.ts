import { get, type Readable, writable } from 'svelte/store';

/**
 * Live events in the browser: one stream per browser, not per tab. The tabs elect one holder
 * with a Web Lock; the holder keeps the EventSource open on `/events` and posts every event on a
 * BroadcastChannel, and every tab (the holder too) hands them to its subscribers. When the
 * holder closes, the lock passes to another tab, which opens the stream again from the last
 * event id it heard, so nothing is missed. Events carry ids only: a subscriber reloads what it
 * shows (`invalidate`) rather than trusting a payload. Where Web Locks or BroadcastChannel are
 * missing, each tab holds a stream of its own.
 */

export type LiveEvent =
  | { kind: 'message.posted' | 'message.changed'; id: number; thread: string; message: string }
  | { kind: 'thread.read' | 'thread.joined' | 'thread.left' | 'thread.people'; id: number; thread: string }
  | { kind: 'notification'; id: number }
  | { kind: 'typing'; thread: string; user: string; name: string }
  | { kind: 'reset' };

const NAME = 'foyer-events';
const EVENTS_URL = '/events';
const TYPING_URL = '/events/typing';
/** How many event ids each tab remembers to drop repeats (a reconnect re-sends a few). */
const SEEN_LIMIT = 500;
const TYPING_EVERY_MS = 2_000;
/** After the browser gives a stream up (an error answer), try again this late, then later. */
const REOPEN_FIRST_MS = 5_000;
const REOPEN_MAX_MS = 5 * 60_000;

const MESSAGE_KINDS = ['message.posted', 'message.changed'] as const;
const THREAD_KINDS = ['thread.read', 'thread.joined', 'thread.left', 'thread.people'] as const;
const STREAM_KINDS = [...MESSAGE_KINDS, ...THREAD_KINDS, 'notification', 'typing', 'reset'] as const;

/** What tabs tell each other on the channel. */
type TabMessage =
  | { type: 'event'; event: LiveEvent }
  | { type: 'connected'; value: boolean }
  /** A new tab asks the holder whether the stream is open. */
  | { type: 'hello' };

const handlers = new Set<(event: LiveEvent) => void>();
const seen = new Set<number>();
let lastId: number | null = null;
let started = false;
let holding = false;
let channel: BroadcastChannel | null = null;
const typedAt = new Map<string, number>();

const connectedStore = writable(false);

/** Whether this browser's stream is open (held by this tab or another). */
export const connected: Readable<boolean> = { subscribe: connectedStore.subscribe };

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A frame of the stream as a LiveEvent, or null when it is not one this client knows. */
function parse(kind: string, message: MessageEvent<string>): LiveEvent | null {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(message.data) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (kind === 'reset') return { kind: 'reset' };
  if (kind === 'typing') {
    return text(data.thread) && text(data.user) && text(data.name)
      ? { kind, thread: data.thread, user: data.user, name: data.name }
      : null;
  }
  const id = Number(message.lastEventId);
  if (!Number.isSafeInteger(id) || id < 1) return null;
  if (kind === 'notification') return { kind, id };
  if (!text(data.thread)) return null;
  if ((MESSAGE_KINDS as readonly string[]).includes(kind)) {
    return text(data.message)
      ? { kind: kind as (typeof MESSAGE_KINDS)[number], id, thread: data.thread, message: data.message }
      : null;
  }
  if ((THREAD_KINDS as readonly string[]).includes(kind)) {
    return { kind: kind as (typeof THREAD_KINDS)[number], id, thread: data.thread };
  }
  return null;
}

/** Hands an event to this tab's subscribers, once per event id. */
function dispatch(event: LiveEvent): void {
  if ('id' in event) {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    if (seen.size > SEEN_LIMIT) {
      const oldest = seen.values().next();
      if (!oldest.done) seen.delete(oldest.value);
    }
    lastId = Math.max(lastId ?? 0, event.id);
  }
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (error) {
      console.error('a live event handler failed', error);
    }
  }
}

function setConnected(value: boolean): void {
  connectedStore.set(value);
  if (holding) channel?.postMessage({ type: 'connected', value } satisfies TabMessage);
}

/**
 * Holds the stream for this tab (and, through the channel, for the others): reopens it after the
 * browser gives up on it (EventSource retries dropped connections by itself, but not an error
 * answer such as a 502 from a proxy), later each time.
 */
function holdStream(onEvent: (event: LiveEvent) => void): void {
  let wait = REOPEN_FIRST_MS;
  const open = () => {
    const url = lastId === null ? EVENTS_URL : `${EVENTS_URL}?last=${lastId}`;
    const source = new EventSource(url);
    for (const kind of STREAM_KINDS) {
      source.addEventListener(kind, (message) => {
        const event = parse(kind, message as MessageEvent<string>);
        if (event) onEvent(event);
      });
    }
    source.onopen = () => {
      wait = REOPEN_FIRST_MS;
      setConnected(true);
    };
    source.onerror = () => {
      setConnected(false);
      if (source.readyState !== EventSource.CLOSED) return;
      setTimeout(open, wait);
      wait = Math.min(wait * 2, REOPEN_MAX_MS);
    };
  };
  open();
}

/**
 * Starts live events in this tab: idempotent; call once from the signed-in layout (never in a
 * preview, whose person is not the one signed in).
 */
export function startRealtime(): void {
  if (started || typeof window === 'undefined' || typeof EventSource === 'undefined') return;
  started = true;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks || typeof BroadcastChannel === 'undefined') {
    holdStream(dispatch);
    return;
  }
  channel = new BroadcastChannel(NAME);
  const tabs = channel;
  tabs.onmessage = (message: MessageEvent<TabMessage>) => {
    const data = message.data;
    if (data.type === 'event') dispatch(data.event);
    else if (data.type === 'connected') connectedStore.set(data.value);
    else if (data.type === 'hello' && holding) {
      tabs.postMessage({ type: 'connected', value: get(connectedStore) } satisfies TabMessage);
    }
  };
  tabs.postMessage({ type: 'hello' } satisfies TabMessage);
  // Granted to one tab at a time; held until that tab goes (the promise never settles).
  void locks.request(
    NAME,
    () =>
      new Promise<never>(() => {
        holding = true;
        holdStream((event) => {
          tabs.postMessage({ type: 'event', event } satisfies TabMessage);
          dispatch(event);
        });
      }),
  );
}

/** Calls `handler` with every live event this tab hears; the result unsubscribes. */
export function onLive(handler: (event: LiveEvent) => void): () => void {
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
  };
}

/** Tells the thread's other readers that this person is typing: at most one POST per 2 s per thread. */
export function sendTyping(threadId: string): void {
  const now = Date.now();
  const last = typedAt.get(threadId);
  if (last !== undefined && now - last < TYPING_EVERY_MS) return;
  typedAt.set(threadId, now);
  void fetch(TYPING_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ thread: threadId }),
  }).catch(() => {
    // Typing is a courtesy: a lost notice is not worth telling anyone about.
  });
}
