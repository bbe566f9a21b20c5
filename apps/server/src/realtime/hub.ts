import { randomUUID } from 'node:crypto';
import type { Person } from '@foyer/core';
import { type DatabaseHandle, system } from '@foyer/db';
import { errorFields, type Logger } from '../log';
import { readsThread, readVisibleEvent } from './reads';
import { eventFrame, PING_FRAME, typingFrame } from './sse';

/** One open `/events` response: what the hub writes to and may end. */
export interface LiveStream {
  /** The stored id of the session behind it, checked at every heartbeat. */
  readonly sessionId: string;
  /** Writes a frame; `eventId` lets a stream still catching up drop what it already sent. */
  send(frame: string, eventId?: number): void;
  /** Ends the response (the session ended, or the node is shutting down). */
  end(): void;
}

/** Someone typing in a thread, named as the thread shows them (what `typingAs` answers). */
export interface Typing {
  tenantId: string;
  threadId: string;
  userId: string;
  name: string;
}

/** Someone holding at least one stream on this node: their actor, their streams, what they read. */
interface Listener {
  actor: Person;
  streams: Set<LiveStream>;
  /** Threads this person was found to read, until when: typing is announced often. */
  readable: Map<string, number>;
}

export interface HubOptions {
  /** Between two heartbeats (a `: ping` on every stream, a session check, a presence beat). */
  heartbeatMs?: number;
  /** How long a "yes, they read this thread" is trusted for typing. */
  readableTtlMs?: number;
  /** At most one typing announcement per person and thread per this long. */
  typingEveryMs?: number;
}

interface EventNotice {
  t: string;
  e: number;
  th: string | null;
  u: string | null;
}

interface TypingNotice {
  t: string;
  th: string;
  u: string;
  n: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const isUuidOrNull = (value: unknown): value is string | null => value === null || isUuid(value);

function parseEvent(payload: string): EventNotice | null {
  const value = parseJson(payload);
  if (!value || !isUuid(value.t) || !Number.isSafeInteger(value.e) || (value.e as number) < 1) return null;
  if (!isUuidOrNull(value.th ?? null) || !isUuidOrNull(value.u ?? null)) return null;
  return {
    t: value.t,
    e: value.e as number,
    th: (value.th as string) ?? null,
    u: (value.u as string) ?? null,
  };
}

function parseTyping(payload: string): TypingNotice | null {
  const value = parseJson(payload);
  if (!value || !isUuid(value.t) || !isUuid(value.th) || !isUuid(value.u) || typeof value.n !== 'string')
    return null;
  return { t: value.t, th: value.th, u: value.u, n: value.n };
}

function parseJson(payload: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(payload);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Session checks in flight at once, so a tick's share of 5,000 streams does not take the pool. */
const SESSION_CHECKS_AT_ONCE = 2;

/**
 * A heartbeat is spread over this many ticks: each stream belongs to one slice, pinged and its
 * session checked on its tick, so 5,000 streams cost a steady trickle, not a burst that delays
 * the events behind it.
 */
const HEARTBEAT_SLICES = 25;

/**
 * A new person's presence is beaten this soon rather than at the next round (the beat writes
 * every present person, so new streams are gathered first).
 */
const PRESENCE_SOON_MS = 5_000;

/**
 * This node's live delivery, one per server process. It LISTENs on the channels the database's
 * triggers (`foyer_events`) and the typing route (`foyer_typing`) publish on, and keeps the open
 * streams by tenant and person. A notice carries ids only: for each person it may concern who
 * has a stream here, the hub reads the event again under that person's own actor (once per
 * person, whatever their number of tabs), so a stream shows exactly what the database would show
 * them. Every node receives every notice, which is what makes any number of nodes behind a load
 * balancer deliver to everyone.
 */
export class RealtimeHub {
  /** This process's name in `platform.presence`: random, so a restarted node starts clean. */
  readonly node = randomUUID();
  private readonly listeners = new Map<string, Map<string, Listener>>();
  private readonly typedAt = new Map<string, number>();
  private readonly heartbeatMs: number;
  private readonly readableTtlMs: number;
  private readonly typingEveryMs: number;
  private starting: Promise<void> | null = null;
  private unlisten: (() => Promise<void>)[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  /** Each open stream's heartbeat slice, and its tenant for the session check. */
  private readonly slices = new Map<LiveStream, { slice: number; tenantId: string }>();
  private ticks = 0;
  private presenceSoon: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: DatabaseHandle,
    private readonly log: Logger,
    options: HubOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.readableTtlMs = options.readableTtlMs ?? 30_000;
    this.typingEveryMs = options.typingEveryMs ?? 2_000;
  }

  /** Starts listening and beating; the same promise on every call. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      this.unlisten.push(await this.db.listen(system.realtime.EVENTS_CHANNEL, (p) => this.onEvent(p)));
      this.unlisten.push(await this.db.listen(system.realtime.TYPING_CHANNEL, (p) => this.onTyping(p)));
      this.heartbeat = setInterval(() => void this.tick(), this.heartbeatMs / HEARTBEAT_SLICES);
      this.heartbeat.unref();
    })();
    return this.starting;
  }

  /** Adds a person's stream; the result removes it again (the response ended). */
  attach(actor: Person, stream: LiveStream): () => void {
    let tenant = this.listeners.get(actor.tenantId);
    if (!tenant) {
      tenant = new Map();
      this.listeners.set(actor.tenantId, tenant);
    }
    let listener = tenant.get(actor.userId);
    if (!listener) {
      listener = { actor, streams: new Set(), readable: new Map() };
      tenant.set(actor.userId, listener);
      this.beatPresenceSoon();
    }
    listener.streams.add(stream);
    // Its first ping comes a whole heartbeat after it opened.
    this.slices.set(stream, { slice: this.ticks % HEARTBEAT_SLICES, tenantId: actor.tenantId });
    return () => this.detach(actor, stream);
  }

  /** How many streams are open on this node. */
  get streamCount(): number {
    return this.slices.size;
  }

  /**
   * Announces that someone is typing in a thread (to every node), at most once per person and
   * thread per `typingEveryMs`; the rest are dropped, as the typer's page keeps sending.
   */
  async typing(typing: Typing): Promise<void> {
    const key = `${typing.tenantId}:${typing.userId}:${typing.threadId}`;
    const now = Date.now();
    const last = this.typedAt.get(key);
    if (last !== undefined && now - last < this.typingEveryMs) return;
    this.typedAt.set(key, now);
    const notice: TypingNotice = {
      t: typing.tenantId,
      th: typing.threadId,
      u: typing.userId,
      n: typing.name,
    };
    await this.db.notify(system.realtime.TYPING_CHANNEL, JSON.stringify(notice));
  }

  /** Stops listening, ends every stream and tells the others this node holds nobody now. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.presenceSoon) clearTimeout(this.presenceSoon);
    await this.starting?.catch(() => {});
    for (const stop of this.unlisten) await stop().catch(() => {});
    for (const tenant of this.listeners.values())
      for (const listener of tenant.values()) for (const stream of listener.streams) stream.end();
    this.listeners.clear();
    this.slices.clear();
    if (this.starting) await this.beatPresence([]);
  }

  private detach(actor: Person, stream: LiveStream): void {
    this.slices.delete(stream);
    const tenant = this.listeners.get(actor.tenantId);
    const listener = tenant?.get(actor.userId);
    if (!tenant || !listener) return;
    listener.streams.delete(stream);
    if (listener.streams.size > 0) return;
    tenant.delete(actor.userId);
    if (tenant.size === 0) this.listeners.delete(actor.tenantId);
  }

  /** The people of `tenantId` connected here among `userIds`. */
  private connected(tenantId: string, userIds: readonly string[]): Listener[] {
    const tenant = this.listeners.get(tenantId);
    if (!tenant) return [];
    const found: Listener[] = [];
    for (const userId of userIds) {
      const listener = tenant.get(userId);
      if (listener) found.push(listener);
    }
    return found;
  }

  private async candidates(tenantId: string, threadId: string | null, userId: string | null) {
    if (!this.listeners.has(tenantId)) return [];
    if (userId) return this.connected(tenantId, [userId]);
    if (!threadId) return [];
    return this.connected(tenantId, await system.realtime.audience(this.db, tenantId, threadId));
  }

  private onEvent(payload: string): void {
    const notice = parseEvent(payload);
    if (!notice) {
      this.log.warn('live event notice not understood');
      return;
    }
    this.deliverEvent(notice).catch((error: unknown) => {
      this.log.error('live event delivery failed', { tenantId: notice.t, ...errorFields(error) });
    });
  }

  private async deliverEvent(notice: EventNotice): Promise<void> {
    const people = await this.candidates(notice.t, notice.th, notice.u);
    await Promise.all(
      people.map(async (listener) => {
        const event = await readVisibleEvent(this.db, listener.actor, notice.e);
        if (!event) return;
        const frame = eventFrame(event);
        for (const stream of listener.streams) stream.send(frame, event.id);
      }),
    );
  }

  private onTyping(payload: string): void {
    const notice = parseTyping(payload);
    if (!notice) {
      this.log.warn('typing notice not understood');
      return;
    }
    this.deliverTyping(notice).catch((error: unknown) => {
      this.log.error('typing delivery failed', { tenantId: notice.t, ...errorFields(error) });
    });
  }

  private async deliverTyping(notice: TypingNotice): Promise<void> {
    const people = (await this.candidates(notice.t, notice.th, null)).filter(
      (listener) => listener.actor.userId !== notice.u,
    );
    if (people.length === 0) return;
    const frame = typingFrame({ thread: notice.th, user: notice.u, name: notice.n });
    await Promise.all(
      people.map(async (listener) => {
        if (!(await this.reads(listener, notice.th))) return;
        for (const stream of listener.streams) stream.send(frame);
      }),
    );
  }

  /** Whether the person reads the thread, from the cache while a recent "yes" lasts. */
  private async reads(listener: Listener, threadId: string): Promise<boolean> {
    const now = Date.now();
    const until = listener.readable.get(threadId);
    if (until !== undefined && until > now) return true;
    const yes = await readsThread(this.db, listener.actor, threadId);
    if (yes) listener.readable.set(threadId, now + this.readableTtlMs);
    else listener.readable.delete(threadId);
    return yes;
  }

  /**
   * One tick: the streams of this tick's slice get their ping and have their sessions checked
   * (each stream once per heartbeat, spread over it rather than all at once); once per round,
   * this node's presence is beaten.
   */
  private async tick(): Promise<void> {
    const slot = this.ticks++ % HEARTBEAT_SLICES;
    if (slot === 0) void this.beatPresence(this.present());
    const sessions = new Map<string, { tenantId: string; streams: LiveStream[] }>();
    for (const [stream, { slice, tenantId }] of this.slices) {
      if (slice !== slot) continue;
      stream.send(PING_FRAME);
      const key = `${tenantId}:${stream.sessionId}`;
      const entry = sessions.get(key) ?? { tenantId, streams: [] };
      entry.streams.push(stream);
      sessions.set(key, entry);
    }
    if (slot === 0) this.forgetOldTyping();
    const queue = [...sessions.values()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { tenantId, streams } = next;
        const sessionId = streams[0]?.sessionId;
        if (!sessionId) continue;
        try {
          const live = await system.sessions.forToken(this.db, tenantId, sessionId);
          if (!live) for (const stream of streams) stream.end();
        } catch (error) {
          this.log.error('live stream session check failed', { tenantId, ...errorFields(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: SESSION_CHECKS_AT_ONCE }, worker));
  }

  private present(): system.realtime.Present[] {
    const people: system.realtime.Present[] = [];
    for (const [tenantId, tenant] of this.listeners)
      for (const userId of tenant.keys()) people.push({ tenantId, userId });
    return people;
  }

  private beatPresenceSoon(): void {
    if (this.presenceSoon || this.closed) return;
    this.presenceSoon = setTimeout(() => {
      this.presenceSoon = null;
      void this.beatPresence(this.present());
    }, PRESENCE_SOON_MS);
    this.presenceSoon.unref();
  }

  private async beatPresence(people: system.realtime.Present[]): Promise<void> {
    try {
      await system.realtime.presenceBeat(this.db, this.node, people);
    } catch (error) {
      this.log.error('presence beat failed', errorFields(error));
    }
  }

  private forgetOldTyping(): void {
    const now = Date.now();
    for (const [key, at] of this.typedAt) if (now - at >= this.typingEveryMs) this.typedAt.delete(key);
  }
}
