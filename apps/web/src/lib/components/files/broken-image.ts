import type { Attachment } from 'svelte/attachments';

/**
 * `{@attach onBroken(() => …)}` on an <img>: calls back when the image cannot be loaded, also
 * when it failed before the page was hydrated. Used instead of `onerror`, which Svelte renders
 * on the server as an inline handler attribute that the page's CSP (no 'unsafe-inline'
 * scripts) refuses, with a console error on every page.
 */
export function onBroken(callback: () => void): Attachment<HTMLImageElement> {
  return (image) => {
    if (image.complete && image.getAttribute('src') && image.naturalWidth === 0) callback();
    image.addEventListener('error', callback);
    return () => image.removeEventListener('error', callback);
  };
}
