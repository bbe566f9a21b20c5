import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Workspace packages are symlinked outside node_modules, which Vite would otherwise bundle from
// source; at run time they resolve from their own built dist/ instead.
const workspacePackages = Object.keys(pkg.dependencies).filter((name) => name.startsWith('@foyer/'));

export default defineConfig({
  plugins: [sveltekit()],
  ssr: {
    external: workspacePackages,
  },
});
