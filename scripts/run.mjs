// The README's two commands. `npm start` and `npm test` land here so that a fresh machine with
// only Node and npm needs nothing else: pnpm is fetched through npm, dependencies installed and
// the workspace built (turbo makes a second run nearly free), then the real work is handed over.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PNPM = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function fail(message) {
  process.stderr.write(`\n✖ ${message}\n`);
  process.exit(1);
}

function step(title) {
  process.stdout.write(`\n▸ ${title}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  return result.status ?? 1;
}

function must(command, args, what) {
  if (run(command, args) !== 0) fail(`${what} failed (${command} ${args.join(' ')})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  if (!ok) fail(`Foyer needs Node.js 20.19+ or 22.12+; this is ${process.version}.`);
}

/** `pnpm` on the PATH at the pinned version, installing it through npm when missing. */
function pnpmCommand() {
  const want = PNPM.split('@')[1];
  const have = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  if (have.status === 0 && have.stdout.trim() === want) return ['pnpm', []];
  step(`Installing ${PNPM} with npm`);
  if (run('npm', ['install', '--global', '--silent', PNPM]) === 0) {
    const again = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
    if (again.status === 0) return ['pnpm', []];
  }
  // No write access to npm's global prefix: run it through npx instead.
  return ['npx', ['--yes', PNPM]];
}

function newer(a, b) {
  return existsSync(a) && (!existsSync(b) || statSync(a).mtimeMs > statSync(b).mtimeMs);
}

function prepare({ before = () => {} } = {}) {
  checkNode();
  const [pnpm, pre] = pnpmCommand();
  const pnpmRun = (args, what) => must(pnpm, [...pre, ...args], what);
  const marker = join(root, 'node_modules/.modules.yaml');
  if (!existsSync(marker) || newer(join(root, 'pnpm-lock.yaml'), marker)) {
    step('Installing dependencies');
    pnpmRun(['install', '--frozen-lockfile'], 'Installing dependencies');
  }
  before();
  step('Building');
  pnpmRun(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], 'The build');
  return { pnpm, pre };
}

/** The tests' system tools: Chromium for the browser tests, poppler's pdftotext to read PDFs back. */
function ensureTestTools() {
  const has = (command) =>
    spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
  const missing = [
    ...(existsSync('/usr/bin/chromium') ? [] : ['chromium']),
    ...(has('pdftotext') ? [] : ['poppler-utils']),
  ];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    fail(
      `The tests need Chromium at /usr/bin/chromium and pdftotext. Install them with:\n\n    sudo apt-get install -y ${missing.join(' ')}\n`,
    );
  }
  step(`Installing Debian's ${missing.join(' and ')} for the tests`);
  must('apt-get', ['update', '-qq'], 'apt-get update');
  must('apt-get', ['install', '-y', '-qq', ...missing], `Installing ${missing.join(' and ')}`);
}

function start() {
  prepare();
  const child = spawn(process.execPath, ['apps/server/dist/cli.js', 'start'], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Fails at once, before any build, when the tests' PostgreSQL is not there. */
function checkPostgres() {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const probe = `import('postgres').then(async ({ default: postgres }) => {
    const sql = postgres(process.argv[1], { max: 1, connect_timeout: 5, onnotice: () => {} });
    try { await sql\`select 1\`; } finally { await sql.end({ timeout: 1 }); }
  }).catch((e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe, url], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    fail(
      `The tests need a PostgreSQL superuser at TEST_DATABASE_URL (${url}), and none answered: ${result.stderr.trim()}\n` +
        '  Start PostgreSQL 15+ locally, or set TEST_DATABASE_URL=postgres://user@host:port/db.',
    );
  }
}

function test() {
  const { pnpm, pre } = prepare({
    before: () => {
      checkPostgres();
      ensureTestTools();
    },
  });
  const results = join(root, '.data/test-results');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(results, { recursive: true });

  step('Lint and type-check');
  must(pnpm, [...pre, 'exec', 'biome', 'check', '.'], 'Lint');
  must(pnpm, [...pre, 'exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], 'Type-check');
  must(pnpm, [...pre, 'exec', 'tsc', '-p', 'tsconfig.json'], 'Type-check of the shared tests');

  step('Unit and integration tests (PGlite and PostgreSQL)');
  const unit = run(pnpm, [
    ...pre,
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(results, 'vitest.json')}`,
  ]);

  step('End-to-end tests in Chromium');
  const e2e = run(pnpm, [...pre, '--filter', '@foyer/e2e', 'test'], {
    env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(results, 'playwright.json') },
  });

  const v = readJson(join(results, 'vitest.json'));
  const p = readJson(join(results, 'playwright.json'));
  const passed = (v?.numPassedTests ?? 0) + (p?.stats?.expected ?? 0);
  const failed =
    (v?.numFailedTests ?? 0) +
    (p?.stats?.unexpected ?? 0) +
    (p?.stats?.flaky ?? 0) +
    (unit !== 0 && !v ? 1 : 0) +
    (e2e !== 0 && !p ? 1 : 0);
  const skipped = (v?.numPendingTests ?? 0) + (v?.numTodoTests ?? 0) + (p?.stats?.skipped ?? 0);
  process.stdout.write(
    `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
  );
  process.exit(unit === 0 && e2e === 0 && failed === 0 && passed > 0 ? 0 : 1);
}

const command = process.argv[2];
if (command === 'start') start();
else if (command === 'test') test();
else fail('usage: node scripts/run.mjs start|test');
