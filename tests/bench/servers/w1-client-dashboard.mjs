// W1: the client portal's dashboard, `/`, rendered by SvelteKit (SSR) through the real front door
// (createApp with the built web app, every middleware in production order), for a client of the
// bench tenant who is assigned to 50 projects with a few tasks and feed entries each.
import { generateToken, hashToken } from '@foyer/auth';
import { openPostgres } from '@foyer/db';
import { createApp, createDeps, createLogger, loadConfig, loadWebApp } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import postgres from 'postgres';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';

/** How many projects the client is on, and tasks per project. */
const PROJECTS = 50;
const TASKS = 3;

// Fixed ids (and `on conflict do nothing`), so the statement-count pass and the timed run, two
// processes, share one fixture.
const COMPANY = 'b1000000-0000-4000-8000-000000000001';
const CLIENT = 'b1000000-0000-4000-8000-000000000002';

const ctx = benchContext();
const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
const tenant = ctx.tenant.id;
let token;
try {
  await sql.begin(async (tx) => {
    await tx`insert into app.branding (tenant_id, display_name) values (${tenant}, 'Bench Agency')
             on conflict do nothing`;
    await tx`insert into app.clients (tenant_id, id, name) values (${tenant}, ${COMPANY}, 'W1 Client Co')
             on conflict do nothing`;
    await tx`
      insert into app.users (tenant_id, id, email, name, role, client_id, permissions, email_verified_at)
      values (${tenant}, ${CLIENT}, 'w1-client@bench.example', 'Wanda Client', 'client', ${COMPANY},
              array['projects', 'tasks.view', 'tasks.comment', 'review', 'files.download', 'files.upload',
                    'invoices', 'messages'], now())
      on conflict do nothing`;
    await tx`
      insert into app.task_statuses (tenant_id, id, name, kind, position)
      select ${tenant}, md5('w1-status-' || kind)::uuid, name, kind, position
        from (values ('To do', 'todo', 0), ('In progress', 'in_progress', 1), ('In review', 'review', 2),
                     ('Done', 'done', 3)) as s(name, kind, position)
      on conflict do nothing`;
    // Mostly active, some on hold or completed, a few archived (which the client does not see).
    await tx`
      insert into app.projects (tenant_id, id, client_id, name, description, status, start_date, deadline)
      select ${tenant}, md5('w1-project-' || i)::uuid, ${COMPANY}, 'Project ' || lpad(i::text, 2, '0'),
             'Work package ' || i || ' for W1 Client Co.',
             (array['active', 'active', 'active', 'on_hold', 'completed', 'active', 'active', 'active', 'active', 'archived'])[1 + i % 10],
             date '2026-09-01' + i, date '2027-03-01' + i
        from generate_series(1, ${PROJECTS}::int) as i
      on conflict do nothing`;
    await tx`
      insert into app.project_clients (tenant_id, project_id, user_id)
      select ${tenant}, md5('w1-project-' || i)::uuid, ${CLIENT} from generate_series(1, ${PROJECTS}::int) as i
      on conflict do nothing`;
    await tx`
      insert into app.tasks (tenant_id, id, project_id, status_id, title, client_visible, position)
      select ${tenant}, md5('w1-task-' || i || '-' || j)::uuid, md5('w1-project-' || i)::uuid,
             md5('w1-status-' || (array['todo', 'in_progress', 'review', 'done'])[1 + (i + j) % 4])::uuid,
             'Task ' || j || ' of project ' || i, j <> 2, j
        from generate_series(1, ${PROJECTS}::int) as i, generate_series(1, ${TASKS}::int) as j
      on conflict do nothing`;
    await tx`
      insert into app.project_feed (tenant_id, id, project_id, at, kind, user_id, actor_name, data)
      select ${tenant}, md5('w1-feed-' || i || '-' || e.kind)::uuid, md5('w1-project-' || i)::uuid,
             now() - (i || ' hours')::interval - e.age, e.kind, case when e.personal then ${CLIENT}::uuid end,
             'Bench Agency', '{}'::jsonb
        from generate_series(1, ${PROJECTS}::int) as i,
             (values ('project.created', interval '2 days', false), ('project.assigned', interval '1 day', true))
               as e(kind, age, personal)
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
const web = await loadWebApp();
const app = createApp({
  config,
  db,
  pages: web,
  assets: web.assets,
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
