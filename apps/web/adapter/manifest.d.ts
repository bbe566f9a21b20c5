// Types for the `@foyer/web/manifest` entry, which the adapter writes to build/server/manifest.js.
import type { SSRManifest } from '@sveltejs/kit';

export declare const manifest: SSRManifest;
