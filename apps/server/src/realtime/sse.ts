/**
 * Server-sent event frames. Events carry ids only: a page that hears one reloads what it shows
 * through its own loads, under its own policies, so nothing travels here that a read would not
 * give. `id:` lets a reconnecting browser say where it stopped (Last-Event-ID).
 */

/** A live event as a stream shows it. */
export interface LiveEventRow {
  id: number;
  kind: string;
  threadId: string | null;
  messageId: string | null;
}

/** How long a browser waits before reconnecting a dropped stream; sent first on every stream. */
export const RETRY_FRAME = 'retry: 3000\n\n';

/** A comment: keeps proxies and browsers from timing an idle stream out. */
export const PING_FRAME = ': ping\n\n';

/** Tells the page it missed too much to catch up by events: reload its data. */
export const RESET_FRAME = 'event: reset\ndata: {}\n\n';

export function eventFrame(event: LiveEventRow): string {
  const data: { thread?: string; message?: string } = {};
  if (event.threadId) data.thread = event.threadId;
  if (event.messageId) data.message = event.messageId;
  return `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Someone else typing in a thread; no id, as it is never caught up on. */
export function typingFrame(typing: { thread: string; user: string; name: string }): string {
  return `event: typing\ndata: ${JSON.stringify(typing)}\n\n`;
}
