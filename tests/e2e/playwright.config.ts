import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * The whole suite runs once, on the embedded default (PGlite); a few smoke specs run again on
 * PostgreSQL, for the paths where the two databases could part ways in a browser: signing in, the
 * client's portal, the board's ordering and file uploads. The integration tests run every verb
 * on both.
 */
const servers = [
  { name: 'pglite', port: Number(process.env.E2E_PORT ?? 3917), testMatch: undefined },
  {
    name: 'postgres',
    port: Number(process.env.E2E_PORT ?? 3917) + 1,
    testMatch: ['auth.spec.ts', 'portal.spec.ts', 'tasks-board.spec.ts', 'files.spec.ts'],
  },
] as const;

/**
 * Each server's data directory, made here so that the tests can read what the server writes
 * there (emails in `mail/`). Playwright loads this file again in every worker process; the
 * workers inherit the environment of the process that loaded it first, so the directory is made
 * once and every process agrees on it.
 */
function dataDir(project: string): string {
  const key = `E2E_DATA_DIR_${project.toUpperCase()}`;
  const existing = process.env[key];
  if (existing) return existing;
  const made = mkdtempSync(join(tmpdir(), `foyer-e2e-${project}-`));
  process.env[key] = made;
  return made;
}

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  // Two workers share two cores with the servers, and the embedded database answers every
  // request on the server's one thread: a heavy page crawl in one worker stretches an ordinary
  // test in the other past 30 s. A minute leaves room; a test that waits on something that never
  // comes still fails.
  timeout: 60_000,
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
        // Every name is this machine: custom domains of agencies (e.g. portal-x.agency.test) too.
        '--host-resolver-rules=MAP * 127.0.0.1',
      ],
    },
  },
  projects: servers.map(({ name, port, testMatch }) => ({
    name,
    ...(testMatch ? { testMatch: [...testMatch] } : {}),
    use: { baseURL: `http://localhost:${port}` },
    metadata: { dataDir: dataDir(name) },
  })),
  webServer: servers.map(({ name, port }) => ({
    command: 'node serve.mjs',
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 90_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      E2E_DATABASE: name,
      FOYER_DATA_DIR: dataDir(name),
    },
  })),
});
