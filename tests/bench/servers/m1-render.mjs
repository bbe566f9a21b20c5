// M1: renderEmail on one core. A typical message (the team invitation in the branded layout,
// with logo, colours, address and a button), to a different recipient each time, as a worker
// renders one tenant's mail after another. Reports renders per second of CPU-bound work.
import { renderEmail, TEMPLATE_INFO } from '@foyer/email';
import { numberFromEnv, reportResult, reportStarted } from '../lib/measure.mjs';
import { onStop } from '../lib/serve.mjs';

const warmupSeconds = numberFromEnv('BENCH_WARMUP', 3);
const seconds = numberFromEnv('BENCH_SECONDS', 10);
const origin = 'https://studio.example.com';
/** @type {import('@foyer/email').EmailBrand} */
const brand = {
  name: 'Northwind Studio',
  origin,
  logoUrl: `${origin}/brand/logo.png`,
  primaryColor: '#0f766e',
  onPrimaryColor: '#ffffff',
  accentColor: '#f59e0b',
  address: '12 Harbour Street\nBristol BS1 4DJ',
  contactEmail: 'hello@studio.example.com',
  website: 'https://studio.example.com',
};
const vars = { ...TEMPLATE_INFO['staff-invitation'].sample, acceptUrl: `${origin}/invite?token=abc123` };

let bytes = 0;
/** @param {number} n */
function render(n) {
  const out = renderEmail({
    key: 'staff-invitation',
    brand,
    vars,
    recipient: { name: `Person ${n}`, email: `person-${n}@client.example` },
  });
  bytes = out.html.length + out.text.length;
}

/** Renders for `forSeconds`; the count and the CPU time it took. */
function renderFor(/** @type {number} */ forSeconds) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + forSeconds * 1000;
  let count = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 20; i++) render(count++);
  }
  const used = process.cpuUsage(cpu);
  return {
    count,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

renderFor(warmupSeconds);
reportStarted();
const run = renderFor(seconds);
reportResult({
  renders: run.count,
  seconds: run.seconds,
  perSecond: run.count / run.seconds,
  meanMs: (run.seconds * 1000) / run.count,
  cpuSeconds: run.cpuSeconds,
  bytes,
});
// Stay up until the harness has read this process's CPU time and stops it.
const keepAlive = setInterval(() => {}, 60_000);
onStop(async () => clearInterval(keepAlive));
