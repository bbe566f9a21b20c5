import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests read workspace packages from source, so they need no build first.
    alias: {
      // A package's other entries come before the package itself: an alias matches by prefix.
      '@foyer/billing/gateways': fileURLToPath(
        new URL('./packages/billing/src/gateways/index.ts', import.meta.url),
      ),
      '@foyer/billing': src('billing'),
      '@foyer/db': src('db'),
      '@foyer/core': src('core'),
      '@foyer/auth': src('auth'),
      '@foyer/email': src('email'),
      '@foyer/jobs': src('jobs'),
      '@foyer/names': src('names'),
      '@foyer/pdf': src('pdf'),
      '@foyer/storage': src('storage'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/server/src/**/*.test.ts',
      'apps/web/src/**/*.test.ts',
      'tests/integration/**/*.test.ts',
    ],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
