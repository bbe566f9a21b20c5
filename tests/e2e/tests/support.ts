import { test as base } from '@playwright/test';

/**
 * `hostUrl('northwind.localhost', '/login')` on the port of the project's server. Chromium
 * resolves every `*.localhost` name to loopback, so each tenant host just works.
 */
export const test = base.extend<{ hostUrl: (host: string, path?: string) => string }>({
  hostUrl: async ({ baseURL }, use) => {
    const port = new URL(baseURL ?? 'http://localhost:3917').port;
    await use((host, path = '/') => `http://${host}:${port}${path}`);
  },
});

export { expect } from '@playwright/test';
