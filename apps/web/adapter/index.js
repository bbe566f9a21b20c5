// adapter-node bundles its server into hashed chunks, so the Hono front door could not import
// a stable entry point from it (see shared TOOLCHAIN.md, "SvelteKit behind Hono"). This adapter
// only lays out the build; serving, headers and caching belong to apps/server.
import { writeFileSync } from 'node:fs';

/**
 * @param {{ out?: string }} [options]
 * @returns {import('@sveltejs/kit').Adapter}
 */
export default function adapter(options = {}) {
  const out = options.out ?? 'build';

  return {
    name: 'foyer-hono',
    async adapt(builder) {
      // Static serving in apps/server maps URLs straight onto this directory.
      if (builder.config.kit.paths.base !== '') {
        throw new Error('adapter: kit.paths.base is not supported; apps/server serves the client build at /');
      }

      builder.rimraf(out);

      const clientDir = `${out}/client`;
      const serverDir = `${out}/server`;
      builder.writeClient(clientDir);
      builder.writePrerendered(clientDir);
      builder.writeServer(serverDir);

      // relativePath './' makes the node imports resolve against manifest.js's own folder.
      writeFileSync(
        `${serverDir}/manifest.js`,
        `export const manifest = ${builder.generateManifest({ relativePath: './' })};\n`,
      );

      builder.log.minor(`Wrote client to ${clientDir} and server to ${serverDir}`);
    },
  };
}
