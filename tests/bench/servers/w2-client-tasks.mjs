// W2: a client's task list through the JSON API, GET /api/v1/projects/{id}/tasks, through the real
// front door (createApp, every middleware in production order), for a client of the bench tenant
// on a project with 500 tasks of which 50 are client-visible (some archived or internal ones in
// every column, a few on milestones, assignees shown to clients). One transaction: BEGIN with the
// session and context statement, the one read, COMMIT.
import { generateToken, hashToken } from '@foyer/auth';
import { openPostgres } from '@foyer/db';
import { createApp, createDeps, createLogger, loadConfig } from '@foyer/server';
import { createAdaptorServer } from '@hono/node-server';
import postgres from 'postgres';
import { announce, benchContext, listenOnLoopback, onStop } from '../lib/serve.mjs';

/** Tasks on the project, and how many of them the client sees. */
const TASKS = 500;
const VISIBLE = 50;

// Fixed ids (and `on conflict do nothing`), so the statement-count pass and the timed run, two
// processes, share one fixture.
const W2_PROJECT = 'b2000000-0000-4000-8000-000000000003';
const COMPANY = 'b2000000-0000-4000-8000-000000000001';
const CLIENT = 'b2000000-0000-4000-8000-000000000002';
const STAFF = 'b2000000-0000-4000-8000-000000000004';

const ctx = benchContext();
const sql = postgres(ctx.superuserUrl, { max: 1, onnotice: () => {} });
const tenant = ctx.tenant.id;
let token;
try {
  await sql.begin(async (tx) => {
    await tx`insert into app.branding (tenant_id, display_name) values (${tenant}, 'Bench Agency')
             on conflict do nothing`;
    await tx`insert into app.work_settings (tenant_id, clients_see_assignees) values (${tenant}, true)
             on conflict do nothing`;
    await tx`insert into app.clients (tenant_id, id, name) values (${tenant}, ${COMPANY}, 'W2 Client Co')
             on conflict do nothing`;
    await tx`
      insert into app.users (tenant_id, id, email, name, role, client_id, permissions, email_verified_at)
      values (${tenant}, ${CLIENT}, 'w2-client@bench.example', 'Wes Client', 'client', ${COMPANY},
              array['projects', 'tasks.view', 'tasks.comment'], now()),
             (${tenant}, ${STAFF}, 'w2-staff@bench.example', 'Stella Staff', 'staff', null, '{}', now())
      on conflict do nothing`;
    await tx`
      insert into app.task_statuses (tenant_id, id, name, kind, position)
      select ${tenant}, md5('w2-status-' || kind)::uuid, name, kind, 10 + position
        from (values ('To do', 'todo', 0), ('In progress', 'in_progress', 1), ('In review', 'review', 2),
                     ('Done', 'done', 3)) as s(name, kind, position)
      on conflict do nothing`;
    await tx`
      insert into app.projects (tenant_id, id, client_id, name, status)
      values (${tenant}, ${W2_PROJECT}, ${COMPANY}, 'W2 Website', 'active')
      on conflict do nothing`;
    await tx`insert into app.project_clients (tenant_id, project_id, user_id)
             values (${tenant}, ${W2_PROJECT}, ${CLIENT}) on conflict do nothing`;
    await tx`insert into app.project_staff (tenant_id, project_id, user_id)
             values (${tenant}, ${W2_PROJECT}, ${STAFF}) on conflict do nothing`;
    await tx`
      insert into app.milestones (tenant_id, id, project_id, name, client_visible, position)
      select ${tenant}, md5('w2-milestone-' || m)::uuid, ${W2_PROJECT}, 'Milestone ' || m, m <> 3, m
        from generate_series(1, 3) as m
      on conflict do nothing`;
    // Every 10th task is client-visible; of the rest, every 7th is archived. Columns take turns,
    // and positions are dense per column, as the board keeps them.
    await tx`
      insert into app.tasks (tenant_id, id, project_id, status_id, milestone_id, title, description, priority,
                             due_date, client_visible, archived_at, position)
      select ${tenant}, md5('w2-task-' || i)::uuid, ${W2_PROJECT},
             md5('w2-status-' || (array['todo', 'in_progress', 'review', 'done'])[1 + i % 4])::uuid,
             case when i % 5 = 0 then md5('w2-milestone-' || (1 + i % 3))::uuid end,
             'Task ' || i || ' of the website', 'Some **details** about task ' || i,
             (array['none', 'low', 'medium', 'high', 'urgent'])[1 + i % 5],
             date '2026-09-01' + i, i % ${TASKS / VISIBLE}::int = 0,
             case when i % ${TASKS / VISIBLE}::int <> 0 and i % 7 = 0 then now() end,
             i / 4
        from generate_series(0, ${TASKS - 1}::int) as i
      on conflict do nothing`;
    await tx`
      insert into app.task_assignees (tenant_id, task_id, user_id, name)
      select ${tenant}, md5('w2-task-' || i)::uuid, ${STAFF}, 'Stella Staff'
        from generate_series(0, ${TASKS - 1}::int) as i where i % 3 = 0
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
/** W2 measures the API; pages are not part of it. */
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
