// Bundles the server and its CLI for plain Node; dependencies (and the workspace packages'
// built dist/) are resolved at run time from node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts', 'src/index.ts'],
  // The CLI and the library entry share their code through common chunks.
  splitting: true,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
