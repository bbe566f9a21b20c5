// Bundles a workspace package's src/index.ts into dist/index.js for plain Node at run time.
// Dependencies stay external; tests and type-checking read src/ directly.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
