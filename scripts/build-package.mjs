// Bundles each entry a workspace package exports (its `@foyer/source` file, e.g. src/index.ts)
// into the `default` file beside it (dist/index.js) for plain Node at run time. Dependencies stay
// external; tests and type-checking read src/ directly.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { exports } = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = Object.values(exports).filter((entry) => entry['@foyer/source'] && entry.default);

await Promise.all(
  entries.map((entry) =>
    build({
      entryPoints: [entry['@foyer/source']],
      outfile: entry.default,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    }),
  ),
);
