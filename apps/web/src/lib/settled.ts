import { navigating } from '$app/state';

/**
 * Runs `reload` after `delay` ms, once no navigation is under way: SvelteKit lets the later of a
 * navigation and an invalidation win, so a live event's reload arriving while a form's redirect
 * (or a click) is loading its page would cancel that navigation. Calling it again before it ran
 * starts the wait over, so a burst of events reloads once. Returns the cancel.
 */
export function debouncedReload(reload: () => unknown, delay = 300) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = () => {
    if (navigating.to) {
      timer = setTimeout(attempt, delay);
      return;
    }
    timer = undefined;
    void reload();
  };
  return {
    schedule(after = delay) {
      clearTimeout(timer);
      timer = setTimeout(attempt, after);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
