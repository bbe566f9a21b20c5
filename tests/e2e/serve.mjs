// Starts the real server for the browser tests, on PGlite in a fresh data directory, or with
// E2E_DATABASE=postgres on a fresh PostgreSQL database that is dropped again on shutdown.
// FOYER_DATA_DIR, when given (playwright.config.ts does, so tests can read the mail the server
// writes there), is used as is; either way the directory is removed on shutdown. Domain
// verification asks a local DNS server that answers from `$FOYER_DATA_DIR/dns/<name>.json`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { startFake2Checkout } from '../support/fake-2checkout.mjs';
import { startFakeGoogle } from '../support/fake-google.mjs';
import { startFakePayPal } from '../support/fake-paypal.mjs';
import { startFakeStripe } from '../support/fake-stripe.mjs';
import { startDnsServer } from './dns-server.mjs';
import { PAYPAL_ACCOUNT, TWOCHECKOUT_ACCOUNT } from './gateway-accounts.mjs';

const cli = new URL('../../apps/server/dist/cli.js', import.meta.url).pathname;
const dataDir = process.env.FOYER_DATA_DIR || mkdtempSync(join(tmpdir(), 'foyer-e2e-'));
// The browser tests speak for many people from one machine: tests that sign agencies up give each
// browser its own client address in X-Forwarded-For (see support.ts), which counts only from a
// trusted proxy, so the per-address sign-up limit applies per test as it would per person.
const env = { ...process.env, FOYER_DATA_DIR: dataDir, TRUSTED_PROXY: '127.0.0.1' };
delete env.DATABASE_URL;
delete env.DATABASE_LOGIN_URL;

let dropDatabase = async () => {};
if (process.env.E2E_DATABASE === 'postgres') {
  const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const name = `foyer_e2e_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  env.FOYER_SECRET_KEY = randomBytes(32).toString('hex');
  dropDatabase = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  };
}

if (process.env.E2E_DATABASE === 'postgres') {
  // `start` adds the demo operator on embedded defaults only; on PostgreSQL operators are made
  // the way a deployment makes them.
  const operator = JSON.parse(readFileSync(new URL('../../tenants/operator.json', import.meta.url), 'utf8'));
  const created = spawnSync(process.execPath, [cli, 'operators', 'create', operator.email, operator.name], {
    env,
    input: `${operator.password}\n`,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (created.status !== 0) {
    await dropDatabase();
    process.exit(created.status ?? 1);
  }
}

const dns = await startDnsServer(join(dataDir, 'dns'));
env.FOYER_DNS_SERVERS = `127.0.0.1:${dns.port}`;

// Stripe is a local fake: the platform's Connect account, its hosted onboarding and checkout
// pages, and signed webhooks to this server's /webhooks/stripe.
const stripe = await startFakeStripe();
const stripeKey = `sk_test_e2e${randomBytes(8).toString('hex')}`;
const stripeSecret = `whsec_e2e${randomBytes(16).toString('hex')}`;
stripe.connect({
  platformKey: stripeKey,
  webhookUrl: `http://127.0.0.1:${process.env.PORT}/webhooks/stripe`,
  webhookSecret: stripeSecret,
});
env.STRIPE_SECRET_KEY = stripeKey;
env.STRIPE_WEBHOOK_SECRET = stripeSecret;
env.STRIPE_API_URL = stripe.url;
// PayPal and 2Checkout: fakes that know one test account each. Their webhooks have nowhere to go
// (the endpoint id is made when an admin connects): the browser tests pay by the return path, where
// the server asks the gateway itself; the webhooks are tested in tests/integration.
const paypal = await startFakePayPal();
paypal.merchant({ ...PAYPAL_ACCOUNT, webhookUrl: null });
env.PAYPAL_API_URL = paypal.url;
const twocheckout = await startFake2Checkout();
twocheckout.merchant({ ...TWOCHECKOUT_ACCOUNT, ipnUrl: null });
env.TWOCHECKOUT_CHECKOUT_URL = twocheckout.checkoutUrl;
env.TWOCHECKOUT_API_URL = twocheckout.restUrl;

// Google: a local fake of its authorize and token endpoints. Tests add the accounts its "choose an
// account" page offers through its URL, kept in `$FOYER_DATA_DIR/google.json`.
const google = await startFakeGoogle({
  clientId: 'foyer-e2e.apps.googleusercontent.com',
  clientSecret: `fake-google-${randomBytes(8).toString('hex')}`,
  issuer: 'https://accounts.google.com',
});
env.GOOGLE_CLIENT_ID = 'foyer-e2e.apps.googleusercontent.com';
env.GOOGLE_CLIENT_SECRET = google.clientSecret;
env.GOOGLE_AUTHORIZE_URL = google.authorizeUrl;
env.GOOGLE_TOKEN_URL = google.tokenUrl;
mkdirSync(dataDir, { recursive: true });
writeFileSync(join(dataDir, 'google.json'), JSON.stringify({ url: google.url }));

const server = spawn(process.execPath, [cli, 'start'], { env, stdio: 'inherit' });
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  await new Promise((resolve) => server.once('exit', resolve));
  await dns.close();
  await stripe.close();
  await paypal.close();
  await twocheckout.close();
  await google.close();
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
server.on('exit', async (code) => {
  if (stopping) return;
  await dropDatabase();
  process.exit(code ?? 1);
});
