// W4: a client's invoice list through the JSON API, GET /api/v1/invoices, through the real front
// door (createApp, every middleware in production order), for a client of the bench tenant whose
// company has 60 issued invoices (25 on the first page), among 600 invoices of 20 companies and a
// few drafts. One transaction: BEGIN with the session and context statement, the permission read,
// the count and the page, COMMIT.
import { generateToken, hashToken } from '@foyer/auth';
import { openPostgres } from '@foyer/db';
import { createApp, createDeps, createLogger, loadConfig } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import postgres from 'postgres';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';

const COMPANIES = 20;
const PER_COMPANY = 30;

// Fixed ids (and `on conflict do nothing`), so the statement-count pass and the timed run, two
// processes, share one fixture.
const CLIENT = 'b4000000-0000-4000-8000-000000000002';
const COMPANY = 'b4000000-0000-4000-8000-000000000001';

const ctx = benchContext();
const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
const tenant = ctx.tenant.id;
let token;
try {
  await sql.begin(async (tx) => {
    await tx`insert into app.branding (tenant_id, display_name) values (${tenant}, 'Bench Agency')
             on conflict do nothing`;
    await tx`insert into app.invoice_settings (tenant_id, number_prefix) values (${tenant}, 'B-')
             on conflict do nothing`;
    await tx`
      insert into app.clients (tenant_id, id, name)
      select ${tenant}, case when c = 0 then ${COMPANY}::uuid else md5('w4-company-' || c)::uuid end, 'W4 Company ' || c
        from generate_series(0, ${COMPANIES - 1}::int) as c
      on conflict do nothing`;
    await tx`
      insert into app.users (tenant_id, id, email, name, role, client_id, permissions, email_verified_at)
      values (${tenant}, ${CLIENT}, 'w4-client@bench.example', 'Ivy Invoice', 'client', ${COMPANY},
              array['projects', 'invoices'], now())
      on conflict do nothing`;
    // Company 0 (the client's) gets twice its share: 60 issued invoices, some paid, some partly.
    await tx`
      insert into app.invoices (tenant_id, id, client_id, number, currency, issue_date, due_date, buyer_name,
                                subtotal_minor, tax_minor, total_minor, taxes, paid_minor, issued_at, sent_at)
      select ${tenant}, md5('w4-invoice-' || i)::uuid,
             case when i < ${PER_COMPANY * 2}::int then ${COMPANY}::uuid
                  else md5('w4-company-' || (1 + i % ${COMPANIES - 1}::int))::uuid end,
             'B-' || lpad(i::text, 5, '0'), 'EUR', date '2026-01-01' + (i % 300), date '2026-01-31' + (i % 300),
             'W4 Company', 100000 + i * 100, 20000 + i * 20, 120000 + i * 120,
             '[{"taxRateId":"00000000-0000-4000-8000-000000000000","name":"VAT","rateBasisPoints":2000,"inclusive":false,"minor":20000}]'::jsonb,
             case when i % 3 = 0 then 120000 + i * 120 when i % 3 = 1 then 50000 else 0 end, now(), now()
        from generate_series(0, ${COMPANIES * PER_COMPANY - 1}::int) as i
      on conflict do nothing`;
    await tx`
      insert into app.invoices (tenant_id, id, client_id, currency, issue_date, due_date, buyer_name)
      select ${tenant}, md5('w4-draft-' || i)::uuid, ${COMPANY}::uuid, 'EUR', date '2026-06-01', date '2026-07-01', 'W4'
        from generate_series(1, 5) as i
      on conflict do nothing`;
  });
  token = generateToken();
  await sql`insert into app.sessions (tenant_id, id, user_id, expires_at)
            values (${tenant}, ${hashToken(token)}, ${CLIENT}, now() + interval '30 days')`;
} finally {
  await sql.end({ timeout: 1 });
}

const config = loadConfig({ PLATFORM_DOMAIN: 'localhost', LOG_LEVEL: 'silent' });
const db = openPostgres({ url: ctx.loginUrl, max: ctx.poolSize });
/** W4 measures the API; pages are not part of it. */
const pages = { respond: async () => new Response('not found', { status: 404 }) };
const app = createApp({
  config,
  db,
  pages,
  log: createLogger('silent'),
  core: createDeps(config, db),
});

const server = createAdaptorServer({ fetch: app.fetch });
announce({
  url: await listenOnLoopback(server),
  headers: { Host: `${ctx.tenant.slug}.localhost`, Cookie: `foyer_session=${token}` },
});
onStop(async () => {
  server.close();
  await db.close();
});
