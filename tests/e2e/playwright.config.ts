import { defineConfig } from '@playwright/test';

/** The same suite runs against a server on each database. */
const servers = [
  { name: 'pglite', port: Number(process.env.E2E_PORT ?? 3917) },
  { name: 'postgres', port: Number(process.env.E2E_PORT ?? 3917) + 1 },
] as const;

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  // npm test asks for a JSON report too (PLAYWRIGHT_JSON_OUTPUT_NAME) to print one summary line.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: servers.map(({ name, port }) => ({ name, use: { baseURL: `http://localhost:${port}` } })),
  webServer: servers.map(({ name, port }) => ({
    command: 'node serve.mjs',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 90_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', E2E_DATABASE: name },
  })),
});
