// Types for the `@foyer/web/server` entry, which the adapter writes to build/server/index.js.
export { Server } from '@sveltejs/kit';
