import { invalidate } from '$app/navigation';
import { HEADER_COUNTS } from '$lib/header-counts';
import { onLive, startRealtime } from '$lib/realtime';
import { debouncedReload } from '$lib/settled';

/**
 * Starts the person's live stream (never while an admin previews a client: the events are the
 * signed-in person's own) and reads the header's counts again on live events: a notification at
 * once; a message anywhere, a thread read in another tab, a conversation joined or left after a
 * moment, so that a burst is read once. Call from `onMount`; returns the stop.
 */
export function followHeaderCounts(preview: boolean): () => void {
  if (!preview) startRealtime();
  const reload = debouncedReload(() => invalidate(HEADER_COUNTS));
  const stop = onLive((event) => {
    if (event.kind === 'typing' || event.kind === 'message.changed') return;
    reload.schedule(event.kind === 'notification' ? 0 : 300);
  });
  return () => {
    reload.cancel();
    stop();
  };
}
