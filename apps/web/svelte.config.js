import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import adapter from './adapter/index.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Runes everywhere in this app; dependencies keep whatever mode they were written in.
    runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
  },
  kit: {
    adapter: adapter(),
    typescript: {
      // Type-check the framework files written in JS too, not only src/.
      config: (tsconfig) => ({
        ...tsconfig,
        include: [...tsconfig.include, '../svelte.config.js', '../adapter/**/*'],
      }),
    },
    // One CSRF check, at the front door: apps/server refuses every unsafe request whose Origin is
    // not exactly this site's, whatever its Content-Type, before SvelteKit sees it. SvelteKit's
    // own check (form content types only) would be a second, weaker copy that has to agree with
    // the first behind proxies (docs/adr/0011). `['*']` is how 2.x spells it off.
    csrf: { trustedOrigins: ['*'] },
    // Absolute asset URLs keep the HTML independent of how deep the requested path is.
    paths: { relative: false },
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // Brand colours arrive as CSS custom properties in a style attribute.
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['none'],
        'frame-ancestors': ['none'],
        'form-action': ['self'],
      },
    },
  },
};

export default config;
