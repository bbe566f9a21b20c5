import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import type { RequestPlatform } from './platform';

/** Renders pages: SvelteKit in production, a stand-in in tests of the Hono layer alone. */
export interface PageRenderer {
  respond(request: Request, platform: RequestPlatform, clientAddress: string): Promise<Response>;
}

export interface StaticAsset {
  body: Uint8Array;
  type: string;
  /** Fingerprinted build output, safe to cache forever. */
  immutable: boolean;
}

export interface WebApp extends PageRenderer {
  assets: Map<string, StaticAsset>;
}

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Reads the whole client build into memory at start-up: a few hundred kilobytes, served without
 * touching the disk, and only files that exist can ever be named (no path traversal to guard).
 */
export async function loadAssets(clientDir: string): Promise<Map<string, StaticAsset>> {
  const assets = new Map<string, StaticAsset>();
  for await (const file of walk(clientDir)) {
    const path = `/${relative(clientDir, file).split(sep).join('/')}`;
    assets.set(path, {
      body: new Uint8Array(await readFile(file)),
      type: types[extname(file)] ?? 'application/octet-stream',
      immutable: path.startsWith('/_app/immutable/'),
    });
  }
  return assets;
}

interface KitServer {
  init(options: { env: Record<string, string> }): Promise<void>;
  respond(
    request: Request,
    options: { getClientAddress(): string; platform: RequestPlatform },
  ): Promise<Response>;
}

/** Loads the SvelteKit build of apps/web through its stable entry points (see its adapter). */
export async function loadWebApp(): Promise<WebApp> {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('@foyer/web/package.json');
  } catch {
    throw new Error('apps/web is not installed; run `pnpm install` at the repository root');
  }
  const root = dirname(packageJson);
  const serverEntry = join(root, 'build/server/index.js');
  const manifestEntry = join(root, 'build/server/manifest.js');
  let kit: { Server: new (manifest: unknown) => KitServer };
  let manifest: { manifest: unknown };
  try {
    kit = await import(serverEntry);
    manifest = await import(manifestEntry);
  } catch (error) {
    throw new Error(`The web app is not built (${(error as Error).message}); run \`pnpm build\` first`);
  }
  const server = new kit.Server(manifest.manifest);
  await server.init({ env: {} });
  return {
    assets: await loadAssets(join(root, 'build/client')),
    respond: (request, platform, clientAddress) =>
      server.respond(request, { getClientAddress: () => clientAddress, platform }),
  };
}
